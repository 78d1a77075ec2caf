"""Dates as precise as they are known, and plain words for dates that do not exist.

A factor's publication is often known only to the month (an announcement "issued in
January 2026") or to the year. :class:`PartialDate` keeps exactly what is known and
prints it as given (``2026-01``), so a report never shows an invented ``2026-01-01``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

FULL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
YEAR = re.compile(r"^(\d{4})$")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # not locale-dependent
FORMS = "write YYYY-MM-DD, YYYY-MM (month known) or YYYY (year known)"


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the day, the month, or only the year."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"there is no month {self.month}")
        if self.day is not None:
            date(self.year, self.month, self.day)  # raises for 2025-02-30

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Read a date as YAML gives it: a date, an int year, or text such as '2026-01'."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
            return cls(value)
        text = str(value).strip() if isinstance(value, str) else None
        if text is not None:
            impossible = impossible_date_message(text)
            if impossible:
                raise ValueError(impossible)
            for pattern in (FULL, MONTH, YEAR):
                match = pattern.match(text)
                if match:
                    return cls(*(int(part) for part in match.groups()))
        raise ValueError(f"{value!r} is not a date; {FORMS}")

    def is_after(self, day: date) -> bool:
        """Whether this date is certainly after ``day``, compared at this date's precision."""
        if self.month is None:
            return self.year > day.year
        if self.day is None:
            return (self.year, self.month) > (day.year, day.month)
        return date(self.year, self.month, self.day) > day

    def yaml_value(self) -> date | int | str:
        """The value to write in YAML so that it reads back as this date."""
        if self.month is None:
            return self.year
        if self.day is None:
            return str(self)
        return date(self.year, self.month, self.day)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler
                                     ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(str))


def impossible_date_message(text: str) -> str | None:
    """Say why text shaped like YYYY-MM-DD is not a real date, or None if it is one."""
    match = FULL.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"{text!r} is not a real date (there is no month {month}); write YYYY-MM-DD"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return (f"{text!r} is not a real date ({MONTH_NAMES[month - 1]} {year} has {days} days); "
                "write YYYY-MM-DD")
    return None
