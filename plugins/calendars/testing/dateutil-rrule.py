"""Reference expansion for the recurrence tests: reads JSON lines {"dtstart": "YYYYMMDDTHHMMSS",
"rrule": "...", "limit": N, "before": "YYYYMMDDTHHMMSS"} on stdin and writes, per line, a JSON list of the
first N instances (naive local wall times) before `before`, as python-dateutil expands them."""
import json
import sys
from datetime import datetime

from dateutil.rrule import rrulestr

for line in sys.stdin:
    case = json.loads(line)
    start = datetime.strptime(case["dtstart"], "%Y%m%dT%H%M%S")
    before = datetime.strptime(case["before"], "%Y%m%dT%H%M%S")
    rule = rrulestr(case["rrule"], dtstart=start)
    out = []
    for dt in rule:
        if dt >= before or len(out) >= case["limit"]:
            break
        out.append(dt.strftime("%Y%m%dT%H%M%S"))
    print(json.dumps(out), flush=True)
