"""Machine-readable times for ``<time datetime="...">``.

HTML allows at most three digits of fractions of a second in a ``datetime``
attribute; ``isoformat()`` and Django's ``|date:"c"`` write six whenever the
value has microseconds, which the Nu checker reports as an error. Seconds are
precise enough for every time a reader sees.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template

register = template.Library()


def datetime_attr(value: datetime | date | None) -> str:
    """``value`` as a valid HTML global date-and-time string, to the second."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""


register.filter("datetime_attr", datetime_attr)
