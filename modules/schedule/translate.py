"""AWS cron -> unix-cron, for messages: an AWS cron pasted into a Google Cloud pipeline is told
what it is in unix-cron. Built on the AWS parser (one parser per dialect), so only what the AWS
parser accepted is translated."""

from __future__ import annotations

import re

from .cron import parse_cron
from .errors import ScheduleError

_AWS_WRAPPED = re.compile(r"^\s*cron\((.*)\)\s*$", re.DOTALL | re.IGNORECASE)


def _range_steps(field: str, top: int) -> str:
    # AWS 'a/n' (from a, every n) is not unix-cron syntax: unix steps follow a range.
    return ",".join(
        re.sub(r"^([0-9]+)/([0-9]+)$", lambda m: f"{m.group(1)}-{top}/{m.group(2)}", item)
        for item in field.split(",")
    )


def aws_to_unix_cron(expression: str) -> str | None:
    """The unix-cron equivalent of an AWS cron (``cron(0 12 ? * MON-FRI *)`` or its six fields),
    or None when it has none (``L``, ``W``, ``#``, a year other than ``*``, or not AWS cron)."""
    if not isinstance(expression, str) or len(expression) > 256:
        return None
    match = _AWS_WRAPPED.match(expression)
    body = match.group(1) if match else expression
    try:
        spec = parse_cron(body.strip())
    except ScheduleError:
        return None
    minute, hour, dom, month, dow, year = spec.fields
    if year != "*" or any(c in dom for c in "LW") or any(c in _no_names(dow) for c in "L#"):
        return None
    unix_dow = "*"
    if dow != "?":
        # AWS numbers days 1-7 from Sunday, unix-cron 0-6 from Sunday.
        unix_dow = re.sub(r"[0-9]+", lambda m: str(int(m.group(0)) - 1), dow)
    unix_dom = "*" if dom == "?" else _range_steps(dom, 31)
    return " ".join(
        (
            _range_steps(minute, 59),
            _range_steps(hour, 23),
            unix_dom,
            _range_steps(month, 12),
            unix_dow,
        )
    )


def _no_names(field: str) -> str:
    for name in ("JUL", "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"):
        field = field.replace(name, "")
    return field
