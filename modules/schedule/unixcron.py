"""Dialect ``unix-cron``: the five-field cron of Google Cloud Scheduler, Data Pipelines and Vertex
AI schedules, exactly as Google documents it
(https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules):

minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-6 or SUN-SAT
with 7 also Sunday; ``*`` ("first-last"), ``a-b`` (inclusive), a range followed by ``/n``
(``*/n``, ``a-b/n``), lists of numbers or ranges; names in any letter case.

Google does not say how day-of-month and day-of-week combine. We use the Vixie/Debian cron rule
(what ``man 5 crontab`` documents and cronsim implements): when either field starts with ``*``
a day must match both, otherwise either. A single number followed by ``/n`` (``5/10``) is not a
range and Vixie cron rejects it, so we do too (the message offers ``5-59/10``).
"""

from __future__ import annotations

import re

from .cron import DAY_NAMES, MONTH_NAMES, YEAR_MAX, YEAR_MIN, CronSpec, DayOfMonth, DayOfWeek
from .errors import ScheduleError

FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")
_BOUNDS = {
    "minute": (0, 59),
    "hour": (0, 23),
    "day-of-month": (1, 31),
    "month": (1, 12),
    "day-of-week": (0, 7),
}
_ITEM = re.compile(r"^(?:(\*)|([0-9A-Z]+)(?:-([0-9A-Z]+))?)(?:/([0-9]+))?$")
_TZ_PREFIX = re.compile(r"^(TZ|CRON_TZ)=(\S*)(?:\s+|$)")
_MAX_DIGITS = 4  # no field value has more; longer tokens are rejected before int()


def _allowed(field: str) -> str:
    lo, hi = _BOUNDS[field]
    if field == "month":
        return "allowed: 1-12 or JAN-DEC, '*', ranges a-b, steps */n or a-b/n, lists"
    if field == "day-of-week":
        return "allowed: 0-6 (SUN=0, 7 is also Sunday) or SUN-SAT, '*', ranges, steps, lists"
    return f"allowed: {lo}-{hi}, '*', ranges a-b, steps */n or a-b/n, lists"


def _err(field: str, raw: str, message: str) -> ScheduleError:
    return ScheduleError(f"{field} '{raw}' {message}", field=field, value=raw)


def _number(field: str, raw: str, token: str) -> int:
    if field == "month" and token in MONTH_NAMES:
        return MONTH_NAMES.index(token) + 1
    if field == "day-of-week" and token in DAY_NAMES:
        return DAY_NAMES.index(token)
    if not re.fullmatch(r"[0-9]+", token):
        hint = ""
        if token in ("L", "W", "LW") or token.endswith(("L", "W")) or "#" in token:
            hint = " ('L', 'W' and '#' are AWS/Quartz extensions Google does not support)"
        raise _err(field, raw, f"has the unknown value '{token}'{hint}; {_allowed(field)}")
    lo, hi = _BOUNDS[field]
    if len(token) > _MAX_DIGITS or not lo <= int(token) <= hi:
        shown = token if len(token) <= 12 else token[:9] + "..."
        extra = " (SUN=0; 7 is also Sunday)" if field == "day-of-week" else ""
        raise _err(field, raw, f"has the value {shown}, outside {lo}-{hi}{extra}")
    return int(token)


def _parse_field(field: str, raw: str) -> tuple[int, ...]:
    lo, hi = _BOUNDS[field]
    values: set[int] = set()
    for item in raw.split(","):
        if not item:
            raise _err(field, raw, "has an empty list item; separate values with single commas")
        if item == "?":
            raise _err(
                field,
                raw,
                "uses '?', which unix-cron does not have (it is AWS cron's 'no value'); use '*'",
            )
        match = _ITEM.match(item)
        if not match:
            raise _err(field, raw, f"is not valid; {_allowed(field)}")
        star, first, last, step = match.groups()
        if star:
            start, end = lo, (6 if field == "day-of-week" else hi)
        else:
            start = _number(field, raw, first)
            end = _number(field, raw, last) if last else start
            if step is not None and last is None:
                top = "SAT" if not first.isdigit() and field == "day-of-week" else hi
                if field == "month" and not first.isdigit():
                    top = "DEC"
                raise _err(
                    field,
                    raw,
                    f"steps from a single value ('{item}'); unix-cron steps only follow a range: "
                    f"write {first}-{top}/{step}",
                )
        if start > end:
            names = MONTH_NAMES if field == "month" else DAY_NAMES
            top = hi if first.isdigit() else names[-1]
            bottom = (lo if field != "day-of-week" else 0) if first.isdigit() else names[0]
            raise _err(
                field,
                raw,
                f"has the range {first}-{last} that runs backwards; split it: "
                f"{first}-{top},{bottom}-{last}",
            )
        increment = 1
        if step is not None:
            span = (6 if field == "day-of-week" else hi) - lo
            if len(step) > _MAX_DIGITS or not 1 <= int(step) <= max(span, 1):
                shown = step if len(step) <= 12 else step[:9] + "..."
                hint = ""
                if field == "minute":
                    hint = "; for once an hour put a single minute, e.g. '0'"
                elif field == "hour":
                    hint = "; for once a day put a single hour, e.g. '0'"
                raise _err(field, raw, f"has the step {shown}, outside 1-{max(span, 1)}{hint}")
            increment = int(step)
        values.update(range(start, end + 1, increment))
    if field == "day-of-week" and 7 in values:
        values.discard(7)
        values.add(0)
    return tuple(sorted(values))


def split_cron_timezone(text: str) -> tuple[str | None, str]:
    """Split Vertex AI's ``TZ=<zone> <cron>`` / ``CRON_TZ=<zone> <cron>`` form into
    ``(zone, cron)``; ``(None, text)`` when there is no prefix. The zone is not validated here
    (``parse_schedule`` does)."""
    if not isinstance(text, str):
        raise ScheduleError(
            f"cron must be a string, got {type(text).__name__}", field="cron", value=repr(text)[:80]
        )
    stripped = text.strip()
    match = _TZ_PREFIX.match(stripped)
    if not match:
        return None, stripped
    zone = match.group(2)
    if not zone:
        raise ScheduleError(
            f"cron '{stripped}' has an empty {match.group(1)}= prefix; write e.g. "
            "'TZ=Europe/Berlin 0 9 * * 1' or drop the prefix",
            field="timezone",
            value="",
        )
    return zone, stripped[match.end() :]


def compose_cron_timezone(cron: str, timezone: str | None, *, prefix: str = "TZ") -> str:
    """The Vertex AI form: ``TZ=<zone> <cron>`` (``prefix`` ``TZ`` or ``CRON_TZ``); the bare cron
    when ``timezone`` is None."""
    if prefix not in ("TZ", "CRON_TZ"):
        raise ScheduleError(
            f"prefix '{prefix}' is not one Vertex AI reads; use 'TZ' or 'CRON_TZ'",
            field="prefix",
            value=str(prefix),
        )
    _, bare = split_cron_timezone(cron)
    return bare if timezone is None else f"{prefix}={timezone} {bare}"


def _aws_hint(text: str) -> str:
    from .translate import aws_to_unix_cron

    translated = aws_to_unix_cron(text)
    if translated:
        return f"; this looks like an AWS cron, in unix-cron it is '{translated}'"
    return ""


def parse_unix_cron(text: str) -> CronSpec:
    """Parse a five-field unix-cron (no ``TZ=`` prefix). Raises :class:`ScheduleError`."""
    body = text.strip()
    if body.startswith("@"):
        raise ScheduleError(
            f"cron '{body}' uses a '@' macro, which Google's unix-cron does not document; write "
            "the five fields, e.g. '0 0 * * *' for @daily or '0 * * * *' for @hourly",
            field="cron",
            value=body,
        )
    if body.lower().startswith(("cron(", "rate(", "at(")):
        hint = _aws_hint(body)
        raise ScheduleError(
            f"cron '{body}' is an AWS schedule expression; Google takes five unix-cron fields "
            f"(minute hour day-of-month month day-of-week){hint or ', e.g. 0 9 * * 1'}",
            field="cron",
            value=body,
        )
    fields = body.upper().split()
    if len(fields) != 5:
        hint = ""
        if len(fields) == 6:
            hint = _aws_hint(body) or (
                "; if the first field is seconds, drop it: unix-cron has no seconds field"
            )
        raise ScheduleError(
            f"cron '{body}' has {len(fields)} fields; unix-cron has exactly 5: minute hour "
            f"day-of-month month day-of-week, e.g. '0 9 * * 1'{hint}",
            field="cron",
            value=body,
        )
    minute, hour, dom, month, dow = fields
    for name, raw in zip(FIELD_NAMES, fields, strict=True):
        if "?" in raw or "L" in raw.replace("JUL", "") or "#" in raw or "W" in _strip_names(raw):
            hint = _aws_hint(body)
            if hint:
                raise _err(
                    name,
                    raw,
                    f"uses AWS/Quartz syntax ('?', 'L', 'W', '#') that unix-cron does not "
                    f"have{hint}",
                )
    minutes = _parse_field("minute", minute)
    hours = _parse_field("hour", hour)
    days = _parse_field("day-of-month", dom)
    months = _parse_field("month", month)
    weekdays = _parse_field("day-of-week", dow)
    # Vixie/Debian: a field starting with '*' (also '*/n') leaves the other one alone (both
    # must match); two restricted fields match a day when either does.
    rule = "both" if dom.startswith("*") or dow.startswith("*") else "either"
    if rule == "both" and min(days) > max(_MONTH_MAX[m] for m in months):
        raise ScheduleError(
            f"day-of-month '{dom}' never occurs in month '{month}'; the schedule would never run",
            field="day-of-month",
            value=dom,
        )
    return CronSpec(
        fields=tuple(fields),
        minutes=minutes,
        hours=hours,
        day_of_month=DayOfMonth("set", days=frozenset(days)),
        months=months,
        day_of_week=DayOfWeek("set", days=frozenset(d + 1 for d in weekdays)),
        years=tuple(range(YEAR_MIN, YEAR_MAX + 1)),
        day_rule=rule,
        fixed_time=not minute.startswith("*") and not hour.startswith("*"),
    )


_MONTH_MAX = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def _strip_names(raw: str) -> str:
    for name in (*MONTH_NAMES, *DAY_NAMES):
        raw = raw.replace(name, "")
    return raw
