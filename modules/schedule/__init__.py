"""The schedule engine: parse, validate, explain and measure AWS schedule expressions.

Pure Python (never imports pulumi). The one place in the repository that understands
``cron(...)``, ``rate(...)`` and ``at(...)``; modules, policies and tools all call it.
"""

from .analysis import ScheduleAnalysis, analyze
from .errors import ScheduleError
from .expression import Schedule, parse_schedule

__all__ = ["Schedule", "ScheduleAnalysis", "ScheduleError", "analyze", "parse_schedule"]
