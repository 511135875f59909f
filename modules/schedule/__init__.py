"""The schedule engine: parse, validate, explain and measure schedules in three dialects.

Pure Python (never imports pulumi, never reads the clock). The one place in the repository that
understands AWS ``cron(...)``/``rate(...)``/``at(...)``, Google's unix-cron and Azure Data
Factory's recurrence; modules, policies and tools all call it.
"""

from .analysis import ScheduleAnalysis, ScheduleFigures, analyze
from .errors import ScheduleError
from .expression import DIALECTS, Schedule, parse_schedule
from .suggest import suggest_schedule
from .translate import aws_to_unix_cron
from .unixcron import compose_cron_timezone, split_cron_timezone
from .zones import (
    iana_to_windows,
    tz_database_names,
    validate_timezone,
    windows_to_iana,
    windows_zone_ids,
)

__all__ = [
    "DIALECTS",
    "Schedule",
    "ScheduleAnalysis",
    "ScheduleError",
    "ScheduleFigures",
    "analyze",
    "aws_to_unix_cron",
    "compose_cron_timezone",
    "iana_to_windows",
    "parse_schedule",
    "split_cron_timezone",
    "suggest_schedule",
    "tz_database_names",
    "validate_timezone",
    "windows_to_iana",
    "windows_zone_ids",
]
