"""The one exception type of the schedule engine."""

from __future__ import annotations


class ScheduleError(ValueError):
    """An invalid schedule expression, time zone or analysis argument.

    ``str(error)`` is the whole message: it names the offending field, quotes the bad value and
    says what is allowed, so callers can show it as is (prefixed with their stack/key context).
    """

    def __init__(self, message: str, *, field: str | None = None, value: str | None = None):
        super().__init__(message)
        self.field = field
        self.value = value
