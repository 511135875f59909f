"""`mlsched explain EXPR`: what one schedule expression does, in any dialect the engine knows.

Description, next runs (UTC and the schedule's local time), most runs in a calendar day and in any
24 real hours, shortest interval, the engine's warnings and worst case; for a bad expression the
engine's message and, where the message names one, a corrected expression that the engine itself
accepts. Exit status: 0 explained, 2 bad input (a message, never a traceback).
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from tools.plan.model import format_interval

EXIT_OK, EXIT_USAGE = 0, 2
DIALECTS = ("aws", "unix-cron", "adf-recurrence")
MAX_RUNS = 1000
# The engine words its fixes as "try X", "use X" or "did you mean X" (an example after "e.g." is
# not a fix). Only a suggestion the engine then accepts is shown, so a reworded message can hide
# a suggestion but never show a wrong one.
_SUGGESTION = re.compile(
    r"\b(?:try|use|did you mean|it is)\s+"
    r"(?:(?P<call>(?:cron|rate|at)\([^()]*\))|['\"`](?P<quoted>[^'\"`]+)['\"`])",
    re.IGNORECASE,
)
_CALL = re.compile(r"^\s*(cron|rate|at)\s*\(", re.IGNORECASE)


class ExplainError(Exception):
    """Bad input; `suggestion` is a corrected expression the engine accepts, if one is known."""

    def __init__(self, message: str, suggestion: str | None = None, detail: str | None = None):
        super().__init__(message)
        self.suggestion = suggestion
        self.suggestion_description = detail


@dataclass(frozen=True)
class Explanation:
    expression: str
    dialect: str
    timezone: str
    reference: datetime
    description: str
    next_runs: tuple[datetime, ...]
    next_runs_local: tuple[datetime, ...]
    max_runs_per_day: int
    max_runs_per_24h: int | None
    min_interval_minutes: float | None
    never_fires: bool
    warnings: tuple[str, ...] = ()
    worst: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"explain: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="mlsched explain",
        description=(
            "Explain one schedule: description, next runs in UTC and local time, most runs per "
            "calendar day and per 24 real hours, shortest interval, warnings. For a bad "
            "expression: the engine's message and a corrected suggestion."
        ),
        epilog=(
            "Examples: mlsched explain 'cron(0 12 * * ? *)' --timezone Europe/Berlin; "
            "mlsched explain '30 1 * * *' --dialect unix-cron --timezone America/New_York; "
            'mlsched explain \'{"frequency": "Day", "interval": 1, "startTime": '
            '"2026-01-01T06:00:00Z"}\' --dialect adf-recurrence. '
            "Exit status: 0 explained, 2 bad input."
        ),
    )
    p.add_argument(
        "expression",
        metavar="EXPR",
        help="aws: cron(...), rate(...) or at(...); unix-cron: 5 fields; "
        "adf-recurrence: the recurrence object as JSON",
    )
    p.add_argument("--timezone", "--tz", metavar="ZONE", help="time zone (default: the dialect's)")
    p.add_argument("--dialect", choices=DIALECTS, default="aws", help="default: aws")
    p.add_argument(
        "--at",
        metavar="TIME",
        help="reference time, ISO 8601 (default: now; no offset means UTC)",
    )
    p.add_argument(
        "-n", type=int, default=5, metavar="N", help=f"next runs to list (1-{MAX_RUNS}, default 5)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="default: text")
    return p


def _engine_accepts_dialect(parse: Callable[..., Any]) -> bool:
    return "dialect" in inspect.signature(parse).parameters


def _parse(expression: Any, timezone: str | None, dialect: str) -> Any:
    from modules.schedule import parse_schedule

    if _engine_accepts_dialect(parse_schedule):
        return parse_schedule(expression, timezone, dialect=dialect)
    if dialect != "aws":
        raise ExplainError(
            f"this version of the schedule engine knows only the aws dialect, not {dialect!r}; "
            "update the repository (modules/schedule)"
        )
    return parse_schedule(expression, timezone)


def _expression_input(text: str, dialect: str) -> Any:
    if dialect != "adf-recurrence":
        return text
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExplainError(
            f"an adf-recurrence expression is the recurrence object as JSON, e.g. "
            f'{{"frequency": "Day", "interval": 1, "startTime": "2026-01-01T06:00:00Z"}}; '
            f"this is not JSON: {error}"
        ) from None
    if not isinstance(value, dict):
        raise ExplainError(
            f"an adf-recurrence expression is a JSON object, got {type(value).__name__}"
        )
    return value


def _describe(schedule: Any) -> str:
    from modules.schedule import analyze

    # The description does not depend on the reference; any fixed instant will do.
    return analyze(schedule, reference=datetime(2000, 1, 1, tzinfo=UTC), count=0).description


def suggestion_for(
    message: str,
    timezone: str | None,
    dialect: str,
    *,
    expression: Any = None,
    field: str | None = None,
) -> tuple[str, str] | None:
    """A correction named in the engine's message, with the corrected schedule's description,
    when the engine accepts it: a whole expression (in this dialect, or aws/unix-cron for one
    pasted into the wrong dialect), a time zone (`--timezone ...`), or a recurrence key."""
    for match in _SUGGESTION.finditer(message):
        candidate = (match.group("call") or match.group("quoted")).strip()
        for text, attempt in _corrections(candidate, expression, timezone, dialect, field):
            try:
                schedule = attempt()
            except Exception:  # any rejection just means "not this candidate"
                continue
            return text, _describe(schedule)
    return None


def _corrections(
    candidate: str, expression: Any, timezone: str | None, dialect: str, field: str | None
):
    if field == "timezone" and expression is not None:
        yield f"--timezone {candidate}", lambda: _parse(expression, candidate, dialect)
    if field and field.startswith("recurrence.") and isinstance(expression, dict):
        fixed = json.loads(json.dumps(expression))
        node = fixed
        *path, leaf = field.split(".")[1:]
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and leaf in node:
            node[leaf] = candidate
            text = json.dumps(fixed, separators=(", ", ": "))
            yield text, lambda: _parse(fixed, timezone, dialect)
    for target in dict.fromkeys((dialect, "aws", "unix-cron")):
        suffix = "" if target == dialect else f"  (--dialect {target})"
        yield candidate + suffix, lambda t=target: _parse(candidate, timezone, t)


def _bare_cron_suggestion(text: str, timezone: str | None) -> tuple[str, str] | None:
    """Cron fields without `cron(...)` around them: the engine's own fix for `cron(<text>)`."""
    if _CALL.match(text) or not text.strip():
        return None
    from modules.schedule import ScheduleError

    wrapped = f"cron({text.strip()})"
    try:
        schedule = _parse(wrapped, timezone, "aws")
    except ScheduleError as error:
        return suggestion_for(str(error), timezone, "aws")
    return wrapped, _describe(schedule)


def explain(
    text: str, *, timezone: str | None, dialect: str, reference: datetime, count: int
) -> Explanation:
    from modules.schedule import ScheduleError, analyze

    if not 1 <= count <= MAX_RUNS:
        raise ExplainError(f"-n {count} is out of range; give 1 to {MAX_RUNS}")
    expression = _expression_input(text, dialect)
    try:
        schedule = _parse(expression, timezone, dialect)
        analysis = analyze(schedule, reference=reference, count=count)
    except ScheduleError as error:
        message = str(error)
        found = suggestion_for(
            message,
            timezone,
            dialect,
            expression=expression,
            field=getattr(error, "field", None),
        )
        if found is None and dialect == "aws" and isinstance(expression, str):
            found = _bare_cron_suggestion(expression, timezone)
        raise ExplainError(
            message, suggestion=found[0] if found else None, detail=found[1] if found else None
        ) from None
    worst = getattr(analysis, "worst", None)
    return Explanation(
        expression=schedule.expression
        if isinstance(schedule.expression, str)
        else json.dumps(schedule.expression, sort_keys=True),
        dialect=dialect,
        timezone=schedule.timezone,
        reference=reference,
        description=analysis.description,
        next_runs=tuple(analysis.next_runs),
        next_runs_local=tuple(analysis.next_runs_local),
        max_runs_per_day=analysis.max_runs_per_day,
        max_runs_per_24h=getattr(analysis, "max_runs_per_24h", None),
        min_interval_minutes=analysis.min_interval_minutes,
        never_fires=analysis.never_fires,
        warnings=tuple(str(w) for w in (getattr(analysis, "warnings", None) or ())),
        worst=_figures(worst) if worst is not None else None,
    )


_FIGURES = ("max_runs_per_day", "max_runs_per_24h", "min_interval_minutes")


def _figures(worst: Any) -> dict[str, Any]:
    """The worst case's figures, whatever object the engine returns them in."""
    if isinstance(worst, dict):
        return {k: worst[k] for k in _FIGURES if k in worst}
    return {k: getattr(worst, k) for k in _FIGURES if hasattr(worst, k)}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def document(item: Explanation) -> dict[str, Any]:
    return {
        "ok": True,
        "expression": item.expression,
        "dialect": item.dialect,
        "timezone": item.timezone,
        "reference_time": _iso(item.reference),
        "description": item.description,
        "next_runs": [_iso(t) for t in item.next_runs],
        "next_runs_local": [t.isoformat(timespec="seconds") for t in item.next_runs_local],
        "max_runs_per_day": item.max_runs_per_day,
        "max_runs_per_24h": item.max_runs_per_24h,
        "min_interval_minutes": item.min_interval_minutes,
        "never_fires": item.never_fires,
        "warnings": list(item.warnings),
        "worst": item.worst,
    }


def error_document(error: ExplainError) -> dict[str, Any]:
    return {
        "ok": False,
        "error": str(error),
        "suggestion": error.suggestion,
        "suggestion_description": error.suggestion_description,
    }


def render_text(item: Explanation) -> str:
    lines = [
        f"{item.expression}  (dialect {item.dialect}, time zone {item.timezone})",
        f"  {item.description}",
        "",
    ]
    if item.never_fires:
        lines.append(f"Never fires at or after {_iso(item.reference)}.")
    else:
        lines.append(f"Next {len(item.next_runs)} run(s) from {_iso(item.reference)}:")
        width = len(str(len(item.next_runs)))
        for i, (utc, local) in enumerate(zip(item.next_runs, item.next_runs_local, strict=False)):
            offset = local.strftime("%z")
            lines.append(
                f"  {i + 1:>{width}}  {utc.strftime('%Y-%m-%d %H:%M %a')} UTC   "
                f"{local.strftime('%Y-%m-%d %H:%M %a')} {item.timezone} "
                f"({offset[:3]}:{offset[3:]})"
            )
    lines += [
        "",
        f"Most runs in one calendar day ({item.timezone}): {item.max_runs_per_day}",
    ]
    if item.max_runs_per_24h is not None:
        lines.append(f"Most runs in any 24 real hours: {item.max_runs_per_24h}")
    lines.append(f"Shortest interval: {format_interval(item.min_interval_minutes)}")
    if item.worst:
        parts = []
        if "max_runs_per_day" in item.worst:
            parts.append(f"{item.worst['max_runs_per_day']} runs in a day")
        if item.worst.get("max_runs_per_24h") is not None:
            parts.append(f"{item.worst['max_runs_per_24h']} in 24 h")
        if "min_interval_minutes" in item.worst:
            parts.append(f"shortest interval {format_interval(item.worst['min_interval_minutes'])}")
        lines.append(f"Worst case (behaviour the provider leaves undefined): {', '.join(parts)}")
    if item.warnings:
        lines += ["", "Warnings:", *(f"  - {w}" for w in item.warnings)]
    return "\n".join(lines) + "\n"


def _reference(text: str | None, now: Callable[[], datetime]) -> datetime:
    from tools.plan.cli import UsageError, parse_reference

    try:
        return parse_reference(text, now)
    except UsageError as error:
        raise ExplainError(str(error).replace("--at/AT", "--at")) from None


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        item = explain(
            args.expression,
            timezone=args.timezone,
            dialect=args.dialect,
            reference=_reference(args.at, now),
            count=args.n,
        )
    except ExplainError as error:
        if args.format == "json":
            stdout.write(json.dumps(error_document(error), indent=2, ensure_ascii=False) + "\n")
        stderr.write(f"explain: error: {error}\n")
        if error.suggestion:
            stderr.write(
                f"explain: suggestion: {error.suggestion}  ({error.suggestion_description})\n"
            )
        return EXIT_USAGE
    if args.format == "json":
        stdout.write(json.dumps(document(item), indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(render_text(item))
    return EXIT_OK
