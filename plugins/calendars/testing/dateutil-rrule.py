"""Reference expansion for the recurrence tests (python-dateutil, Debian's python3-dateutil).

Reads JSON lines {"dtstart": "YYYYMMDDTHHMMSS", "rrule": "...", "limit": N, "before": "YYYYMMDDTHHMMSS"}
on stdin; writes per line a JSON list of the first N instances (naive local wall times) before `before`,
or null when dateutil needed more than two seconds (it scans to year 9999 for rules that never match)."""
import json
import signal
import sys
from datetime import datetime

from dateutil.rrule import rrulestr


class TooSlow(Exception):
    pass


def alarm(_signum, _frame):
    raise TooSlow()


signal.signal(signal.SIGALRM, alarm)
for line in sys.stdin:
    case = json.loads(line)
    start = datetime.strptime(case["dtstart"], "%Y%m%dT%H%M%S")
    before = datetime.strptime(case["before"], "%Y%m%dT%H%M%S")
    out = []
    signal.alarm(2)
    try:
        for dt in rrulestr(case["rrule"], dtstart=start):
            if dt >= before or len(out) >= case["limit"]:
                break
            out.append(dt.strftime("%Y%m%dT%H%M%S"))
        signal.alarm(0)
    except TooSlow:
        out = None
    print(json.dumps(out), flush=True)
