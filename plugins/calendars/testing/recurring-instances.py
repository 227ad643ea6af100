"""Reference recurrence sets for the time zone tests (Debian's python3-icalendar and
python3-recurring-ical-events, which resolve TZIDs with pytz/zoneinfo).

Reads JSON lines {"ics": "...", "start": ISO, "end": ISO} on stdin; writes per line the sorted JSON list
of instance starts in [start, end): UTC date-times as YYYYMMDDTHHMMSSZ, dates as YYYYMMDD."""
import json
import sys
from datetime import date, datetime, timezone

import icalendar
import recurring_ical_events


def utc(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


for line in sys.stdin:
    case = json.loads(line)
    cal = icalendar.Calendar.from_ical(case["ics"])
    out = []
    for event in recurring_ical_events.of(cal).between(utc(case["start"]), utc(case["end"])):
        start = event["DTSTART"].dt
        if isinstance(start, datetime):
            out.append(start.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
        elif isinstance(start, date):
            out.append(start.strftime("%Y%m%d"))
    print(json.dumps(sorted(out)), flush=True)
