"""Parsing values that arrive in query strings and forms before they reach the database.

A number the database cannot hold (SQLite and PostgreSQL keys are signed
64-bit integers) raises ``OverflowError`` or ``DataError`` deep inside the
query, which would surface as a server error; here it is simply "no such row".
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest primary key any supported database stores


def row_id(value: object) -> int | None:
    """``value`` as a primary key (1..2**63-1), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None
