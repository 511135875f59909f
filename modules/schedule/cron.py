"""Parse and validate the six-field AWS cron syntax into a calendar model.

AWS cron is Quartz-flavoured, not Unix cron: six fields (minutes hours day-of-month month
day-of-week year), day-of-week numbered 1-7 from Sunday, and exactly one of the two day fields must
be ``?``. Reference: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html

Beyond the documented table AWS also accepts (verified by users on the console, see
https://github.com/grumBit/aws_cron_expression_validator/issues/12 and /issues/18):
``LW`` and ``L-n`` in day-of-month, ``nL`` (last weekday *n* of the month) in day-of-week, and
names in any letter case. ``L``, ``LW``, ``L-n``, ``nW``, ``nL`` and ``n#k`` must stand alone in
their field, as in Quartz; wrap-around ranges such as ``22-2`` are rejected because AWS does not
document them (split them: ``22-23,0-2``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ScheduleError

MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
FIELD_NAMES = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")
YEAR_MIN, YEAR_MAX = 1970, 2199

_BOUNDS = {
    "minutes": (0, 59),
    "hours": (0, 23),
    "day-of-month": (1, 31),
    "month": (1, 12),
    "day-of-week": (1, 7),
    "year": (YEAR_MIN, YEAR_MAX),
}
_WILDCARDS = {
    "minutes": ", - * /",
    "hours": ", - * /",
    "day-of-month": ", - * ? / L W",
    "month": ", - * /",
    "day-of-week": ", - * ? L #",
    "year": ", - * /",
}
_DAY_ONLY_WILDCARDS = (
    ("?", "day-of-month or day-of-week"),
    ("L", "day-of-month or day-of-week"),
    ("#", "day-of-week"),
    ("W", "day-of-month"),
)
_MONTH_NAME_RE = re.compile("|".join(MONTH_NAMES))
_DAY_NAME_RE = re.compile("|".join(DAY_NAMES))
_ITEM = re.compile(r"^(?:(\*)|([0-9A-Z]+)(?:-([0-9A-Z]+))?)(?:/([0-9]+))?$")


@dataclass(frozen=True)
class DayOfMonth:
    """Day-of-month rule. ``kind``: ``any`` (``?``), ``set``, ``last`` (``L``/``L-n``: last day
    minus ``n``), ``last_weekday`` (``LW``) or ``nearest_weekday`` (``nW``)."""

    kind: str
    days: frozenset[int] = frozenset()
    n: int = 0


@dataclass(frozen=True)
class DayOfWeek:
    """Day-of-week rule (1=SUN .. 7=SAT). ``kind``: ``any`` (``?``), ``set``, ``last`` (``nL``:
    last weekday ``n`` of the month) or ``nth`` (``n#k``: the ``k``-th weekday ``n``)."""

    kind: str
    days: frozenset[int] = frozenset()
    n: int = 0
    k: int = 0


@dataclass(frozen=True)
class CronSpec:
    """A validated AWS cron expression as sets of calendar values."""

    fields: tuple[str, ...]  # the six raw fields, upper-cased
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    day_of_month: DayOfMonth
    months: tuple[int, ...]
    day_of_week: DayOfWeek
    years: tuple[int, ...]
    # How the day fields combine: "aws" (one of them is '?'), or unix-cron's Vixie rule: "both"
    # (a field starts with '*': a day must match both sets) or "either" (two restricted fields).
    day_rule: str = "aws"
    # unix-cron only: minute and hour fields both start with a digit (Debian's "fixed-time job",
    # which DST handling treats differently from wildcard jobs).
    fixed_time: bool = True

    @property
    def times_of_day(self) -> tuple[int, ...]:
        """Minutes after local midnight at which it fires on a matching day, ascending."""
        return tuple(h * 60 + m for h in self.hours for m in self.minutes)


def _bounded_int(digits: str) -> int:
    """``int()`` of ASCII digits, saturating: 5,000-digit tokens would make ``int()`` raise
    (CPython's digit limit) and no field value has more than 4 digits anyway."""
    return int(digits) if len(digits) <= 6 else 10**6


def _err(field: str, value: str, message: str) -> ScheduleError:
    return ScheduleError(f"{field} '{value}' {message}", field=field, value=value)


def _allowed(field: str) -> str:
    lo, hi = _BOUNDS[field]
    names = ""
    if field == "month":
        names = " or JAN-DEC"
    elif field == "day-of-week":
        names = " (SUN=1) or SUN-SAT"
    return f"allowed: {lo}-{hi}{names} with wildcards {_WILDCARDS[field]}"


def _number(field: str, raw: str, token: str) -> int:
    lo, hi = _BOUNDS[field]
    if field == "month" and token in MONTH_NAMES:
        return MONTH_NAMES.index(token) + 1
    if field == "day-of-week" and token in DAY_NAMES:
        return DAY_NAMES.index(token) + 1
    if not re.fullmatch(r"[0-9]+", token):
        raise _err(field, raw, f"has the unknown value '{token[:20]}'; {_allowed(field)}")
    value = _bounded_int(token)
    token = token if len(token) <= 12 else token[:9] + "..."
    if not lo <= value <= hi:
        if field == "day-of-week":
            hint = (
                " (SUN=1); AWS numbers days 1-7 from Sunday, so Unix 0 (Sunday) is 1 or SUN"
                if value == 0
                else " (SUN=1)"
            )
            raise ScheduleError(
                f"day-of-week '{token}' is out of range 1-7{hint}", field=field, value=raw
            )
        return_hint = ""
        if field == "year":
            return_hint = " (AWS accepts years 1970-2199)"
        raise ScheduleError(
            f"{field} '{token}' is out of range {lo}-{hi}{return_hint}", field=field, value=raw
        )
    return value


def _parse_set(field: str, raw: str) -> tuple[int, ...]:
    lo, hi = _BOUNDS[field]
    values: set[int] = set()
    for item in raw.split(","):
        if not item:
            raise _err(field, raw, "has an empty list item; separate values with single commas")
        match = _ITEM.match(item)
        if not match:
            raise _err(field, raw, f"is not valid; {_allowed(field)}")
        star, first, last, step = match.groups()
        if star:
            start, end = lo, hi
        else:
            start = _number(field, raw, first)
            end = _number(field, raw, last) if last else (hi if step else start)
        if start > end and field == "year":
            raise _err(
                field,
                raw,
                f"has the range {first}-{last} that runs backwards; years do not wrap around, "
                f"write {last}-{first}",
            )
        increment = 1
        if step is not None:
            if field == "day-of-week":
                raise _err(
                    field, raw, "uses '/', which day-of-week does not allow; list the days instead"
                )
            increment = _bounded_int(step)
            if not 1 <= increment <= hi - lo:
                hint = ""
                if field == "minutes" and increment >= 60:
                    hint = "; for once an hour put a single minute, e.g. '0'"
                elif field == "hours" and increment >= 24:
                    hint = "; for once a day put a single hour, e.g. '0'"
                raise _err(field, raw, f"has the step {increment}, outside 1-{hi - lo}{hint}")
        if start > end:
            # Quartz (which AWS cron follows) wraps a backwards range past the field's end:
            # hours 22-2 are 22,23,0,1,2; FRI-MON is FRI,SAT,SUN,MON; a step keeps counting
            # across the wrap (hours 22-2/3 are 22 and 1).
            span = hi - lo + 1
            values.update(lo + (v - lo) % span for v in range(start, end + span + 1, increment))
        else:
            values.update(range(start, end + 1, increment))
    return tuple(sorted(values))


def _parse_day_of_month(raw: str) -> DayOfMonth:
    field = "day-of-month"
    if raw == "?":
        return DayOfMonth("any")
    if "#" in raw:
        raise _err(field, raw, "uses '#', which is only allowed in day-of-week (e.g. '3#2')")
    if "L" in raw or "W" in raw:
        if raw == "L":
            return DayOfMonth("last", n=0)
        if raw == "LW":
            return DayOfMonth("last_weekday")
        match = re.fullmatch(r"L-([0-9]+)", raw)
        if match:
            n = _bounded_int(match.group(1))
            if not 1 <= n <= 30:
                raise _err(field, raw, "has an offset outside 1-30; 'L-3' is the 3rd-to-last day")
            return DayOfMonth("last", n=n)
        match = re.fullmatch(r"([0-9]+)W", raw)
        if match:
            day = _bounded_int(match.group(1))
            if not 1 <= day <= 31:
                raise _err(
                    field, raw, "names a day outside 1-31; '15W' is the weekday nearest the 15th"
                )
            return DayOfMonth("nearest_weekday", n=day)
        raise _err(
            field,
            raw,
            "is not valid: 'L', 'LW', 'L-n' and 'nW' must stand alone in day-of-month "
            "(e.g. 'L', 'LW', 'L-2', '15W')",
        )
    return DayOfMonth("set", days=frozenset(_parse_set(field, raw)))


def _parse_day_of_week(raw: str) -> DayOfWeek:
    field = "day-of-week"
    if raw == "?":
        return DayOfWeek("any")
    if "W" in _DAY_NAME_RE.sub("", raw):
        raise _err(field, raw, "uses 'W', which is only allowed in day-of-month (e.g. '15W')")
    if raw.count("#") > 1:
        raise ScheduleError(
            f"day-of-week '{raw}' has more than one '#' expression; AWS allows only one "
            "(e.g. '3#2' for the second Tuesday), use one schedule per weekday instance",
            field=field,
            value=raw,
        )
    if "#" in raw:
        match = re.fullmatch(r"([0-9A-Z]+)#([0-9]+)", raw)
        if not match:
            raise _err(
                field,
                raw,
                "is not valid: a '#' expression must be the only value of the field "
                "(e.g. '3#2' or 'TUE#2' for the second Tuesday)",
            )
        day = _number(field, raw, match.group(1))
        k = _bounded_int(match.group(2))
        if not 1 <= k <= 5:
            raise _err(field, raw, f"asks for occurrence #{k}; a month has occurrences #1-#5")
        return DayOfWeek("nth", n=day, k=k)
    if raw == "L":
        # Quartz: 'L' alone in day-of-week means the last day of the week, Saturday.
        return DayOfWeek("set", days=frozenset({7}))
    if "L" in raw:
        match = re.fullmatch(r"([0-9A-Z]+?)L", raw)
        if not match or "," in raw or "-" in raw:
            raise _err(
                field,
                raw,
                "is not valid: 'nL' (last weekday n of the month) must stand alone, e.g. '6L' "
                "or 'FRIL' for the last Friday",
            )
        return DayOfWeek("last", n=_number(field, raw, match.group(1)))
    return DayOfWeek("set", days=frozenset(_parse_set(field, raw)))


def _unix_weekdays(dow: str) -> str | None:
    """A unix day-of-week field (0-7 from Sunday, 7 also Sunday, ranges, steps, names) as an
    AWS one (1-7 from Sunday, no steps), written out from its days; None if it is not one."""
    if re.fullmatch(r"[A-Z]{3}(?:-[A-Z]{3})?(?:,[A-Z]{3}(?:-[A-Z]{3})?)*", dow):
        return dow  # names mean the same days in both
    days: set[int] = set()
    for item in dow.split(","):
        match = re.fullmatch(
            r"(?:(\*)|([0-7]|[A-Z]{3})(?:-([0-7]|[A-Z]{3}))?)(?:/([0-9]{1,2}))?", item
        )
        if not match:
            return None
        star, first, last, step = match.groups()
        values = [DAY_NAMES.index(v) if v in DAY_NAMES else int(v) for v in (first, last) if v]
        if any(v not in range(8) for v in values) or step == "0":
            return None
        a, b = (0, 7) if star else (values[0], values[-1] if last else values[0])
        if (step and not star and not last) or a > b:  # '1/2', '5-1': not unix-cron
            return None
        days.update(v % 7 + 1 for v in range(a, b + 1, int(step or 1)))
    ordered = sorted(days)
    parts: list[list[int]] = []
    for day in ordered:
        if parts and day == parts[-1][1] + 1:
            parts[-1][1] = day
        else:
            parts.append([day, day])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in parts)


def _unix_hint(fields: list[str]) -> str:
    """What to write in AWS for a pasted 5-field unix cron, only if it means the same: unix
    day fields combine by the Vixie rule (a field starting with '*' leaves the other alone,
    two restricted fields match either), AWS takes one of them."""
    minute, hour, dom, month, dow = fields
    lead = (
        "this looks like a 5-field Unix cron; AWS cron has 6 fields "
        "(minutes hours day-of-month month day-of-week year), needs '?' in one day field and "
        "numbers days 1-7 from Sunday"
    )
    aws_dow = "1-7" if dow in ("*", "?") else _unix_weekdays(dow)
    try:
        every_dom = dom in ("*", "?") or len(_parse_set("day-of-month", dom)) == 31
    except ScheduleError:
        every_dom = False
    every_dow = aws_dow == "1-7"
    days = f"cron({minute} {hour} {'*' if dom == '?' else dom} {month} ? *)"
    weekdays = f"cron({minute} {hour} ? {month} {aws_dow} *)"
    candidates: list[str] = []
    if dom.startswith(("*", "?")) or dow.startswith(("*", "?")):  # both must match
        if every_dow:
            candidates = [days]
        elif every_dom and aws_dow:
            candidates = [weekdays]
        # else ('*/2' with a weekday): no AWS cron says that
    elif every_dom or every_dow:  # either matches, and one matches every day
        candidates = [f"cron({minute} {hour} * {month} ? *)"]
    elif aws_dow and _valid(days) and _valid(weekdays):
        # Either day matches: two AWS schedules together run the same.
        return (
            f"{lead}; a day of the month or a weekday needs two AWS schedules: {days} and "
            f"{weekdays}"
        )
    if candidates and _valid(candidates[0]):
        return f"{lead}: try {candidates[0]}"
    return lead


def _valid(expression: str) -> bool:
    try:
        parse_cron(expression[5:-1])
    except ScheduleError:
        return False
    return True


def parse_cron(body: str) -> CronSpec:
    """Parse the inside of ``cron(...)``. Raises :class:`ScheduleError` with a helpful message."""
    fields = body.upper().split()
    if len(fields) != 6:
        if len(fields) == 5:
            message = f"cron expression '{body}' has 5 fields: {_unix_hint(fields)}"
        elif len(fields) == 7:
            message = (
                f"cron expression '{body}' has 7 fields; AWS cron has no seconds field, drop the "
                "first one (fields: minutes hours day-of-month month day-of-week year)"
            )
        else:
            message = (
                f"cron expression '{body}' has {len(fields)} fields; AWS needs exactly 6: "
                "minutes hours day-of-month month day-of-week year, e.g. cron(0 12 * * ? *)"
            )
        raise ScheduleError(message, field="cron", value=body)
    minute, hour, dom, month, dow, year = fields
    for name, raw in zip(FIELD_NAMES, fields, strict=True):
        if name in ("day-of-month", "day-of-week"):
            continue
        letters = _MONTH_NAME_RE.sub("", raw) if name == "month" else raw
        for char, where in _DAY_ONLY_WILDCARDS:
            if char in letters:
                raise _err(name, raw, f"uses '{char}', which is only allowed in {where}")
    if dom == "?" and dow == "?":
        raise ScheduleError(
            "day-of-month and day-of-week are both '?'; exactly one of them must be '?', e.g. "
            "cron(0 12 * * ? *) for every day",
            field="day-of-month/day-of-week",
            value=f"{dom} {dow}",
        )
    if dom != "?" and dow != "?":
        if dom == "*" and dow == "*":
            message = (
                "day-of-month '*' and day-of-week '*': AWS does not allow '*' in both day fields; "
                "put '?' in one of them, e.g. cron(0 12 * * ? *) for every day"
            )
        else:
            message = (
                f"day-of-month '{dom}' and day-of-week '{dow}' are both set; AWS needs '?' in "
                "exactly one of them: day-of-week '?' to pick days of the month, day-of-month "
                "'?' to pick weekdays"
            )
        raise ScheduleError(message, field="day-of-month/day-of-week", value=f"{dom} {dow}")
    return CronSpec(
        fields=tuple(fields),
        minutes=_parse_set("minutes", minute),
        hours=_parse_set("hours", hour),
        day_of_month=_parse_day_of_month(dom),
        months=_parse_set("month", month),
        day_of_week=_parse_day_of_week(dow),
        years=_parse_set("year", year),
    )
