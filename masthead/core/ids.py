"""Identifiers that sort by creation time, so new rows land at the end of their indexes.

A random key (uuid4, a random username) puts each new row on a random page of
its index: every insert dirties a different page, and on PostgreSQL the first
change to a page after a checkpoint writes the whole 8 kB page to the WAL. A
key that grows with time keeps inserts on the last page.
"""

from __future__ import annotations

import secrets
import time
import uuid


def uuid7() -> uuid.UUID:
    """A UUID version 7 (RFC 9562): 48 bits of Unix time in ms, then 74 random bits."""
    value = (time.time_ns() // 1_000_000 & (1 << 48) - 1) << 80
    value |= secrets.randbits(80)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 9562 variant
    return uuid.UUID(int=value)


def time_ordered_token() -> str:
    """A unique-enough name part that sorts by creation: time in µs, then 32 random bits."""
    return f"{time.time_ns() // 1000:x}{secrets.token_hex(4)}"
