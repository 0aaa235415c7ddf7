"""Keys that sort by creation time."""

from __future__ import annotations

import uuid

import time_machine

from masthead.core.ids import time_ordered_token, uuid7


def test_uuid7_is_a_version_7_rfc_uuid_carrying_the_time():
    with time_machine.travel(1_800_000_000.5, tick=False):
        value = uuid7()
    assert value.version == 7 and value.variant == uuid.RFC_4122
    assert value.int >> 80 == 1_800_000_000_500  # milliseconds since the epoch


def test_later_keys_sort_after_earlier_ones():
    keys = []
    for second in (1_800_000_000, 1_800_000_001, 1_800_000_002):
        with time_machine.travel(second, tick=False):
            keys.append((uuid7(), time_ordered_token()))
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    assert [k[1] for k in keys] == sorted(k[1] for k in keys)


def test_keys_made_in_the_same_instant_still_differ():
    with time_machine.travel(1_800_000_000, tick=False):
        assert len({uuid7() for _ in range(100)}) == 100  # 74 random bits
        assert len({time_ordered_token() for _ in range(100)}) == 100  # 32: 1 in a million
