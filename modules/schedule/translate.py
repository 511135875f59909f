"""AWS cron -> unix-cron, for messages: an AWS cron pasted into a Google Cloud pipeline is told
what it is in unix-cron. Built on the AWS parser (one parser per dialect), so only what the AWS
parser accepted is translated."""

from __future__ import annotations

import re

from .cron import DAY_NAMES, MONTH_NAMES, parse_cron
from .errors import ScheduleError

_AWS_WRAPPED = re.compile(r"^\s*cron\((.*)\)\s*$", re.DOTALL | re.IGNORECASE)


def _range_steps(field: str, top: int) -> str:
    # AWS 'a/n' (from a, every n) is not unix-cron syntax: unix steps follow a range.
    return ",".join(
        re.sub(r"^([0-9]+)/([0-9]+)$", lambda m: f"{m.group(1)}-{top}/{m.group(2)}", item)
        for item in field.split(",")
    )


def _value(token: str) -> int:
    if token in MONTH_NAMES:
        return MONTH_NAMES.index(token) + 1
    if token in DAY_NAMES:
        return DAY_NAMES.index(token) + 1
    return int(token)


def _wraps(field: str) -> bool:
    """Does an item of the (AWS-valid) field run backwards, e.g. ``22-2`` or ``FRI-MON``?"""
    for item in field.split(","):
        match = re.fullmatch(r"([0-9A-Z]+)-([0-9A-Z]+)(?:/[0-9]+)?", item)
        if match and _value(match.group(1)) > _value(match.group(2)):
            return True
    return False


def _listed(values, shift: int = 0) -> str:
    """Sorted values as unix-cron ranges and singles, e.g. (0, 1, 2, 22, 23) -> '0-2,22-23'."""
    parts: list[list[int]] = []
    for value in sorted(v + shift for v in values):
        if parts and value == parts[-1][1] + 1:
            parts[-1][1] = value
        else:
            parts.append([value, value])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in parts)


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
    # unix-cron ranges never wrap (Vixie cron refuses 22-2): a wrapping AWS field is written
    # out from its value set instead.
    if dow == "?":
        unix_dow = "*"
    elif _wraps(dow):
        unix_dow = _listed(spec.day_of_week.days, -1)
    else:
        # AWS numbers days 1-7 from Sunday, unix-cron 0-6 from Sunday.
        unix_dow = re.sub(r"[0-9]+", lambda m: str(int(m.group(0)) - 1), dow)
    if dom == "?":
        unix_dom = "*"
    elif _wraps(dom):
        unix_dom = _listed(spec.day_of_month.days)
    else:
        unix_dom = _range_steps(dom, 31)
    text = " ".join(
        (
            _listed(spec.minutes) if _wraps(minute) else _range_steps(minute, 59),
            _listed(spec.hours) if _wraps(hour) else _range_steps(hour, 23),
            unix_dom,
            _listed(spec.months) if _wraps(month) else _range_steps(month, 12),
            unix_dow,
        )
    )
    from .unixcron import parse_unix_cron  # deferred: unixcron imports this module

    try:
        parse_unix_cron(text)
    except ScheduleError:
        return None  # e.g. day 31 in February: AWS takes it (it never runs), Google does not
    return text


def _no_names(field: str) -> str:
    for name in ("JUL", "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"):
        field = field.replace(name, "")
    return field
