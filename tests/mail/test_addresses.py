"""The address check every recipient of a bulk send passes at fan-out: its
quick pattern for the common shape must never let through what Django's
validator refuses, and every other address still meets Django's validator."""

from __future__ import annotations

import random
import string

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from masthead.mail.services import _PLAIN_ADDRESS, EmailError, clean_address


def _django_accepts(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def test_every_address_the_quick_pattern_takes_is_one_django_takes():
    alphabet = string.ascii_letters + string.digits + "._+-@" + "@." * 4 + "é-_ "
    rng = random.Random(5)
    candidates = ["".join(rng.choices(alphabet, k=rng.randint(3, 30))) for _ in range(30_000)] + [
        f"{rng.choice(['a', 'a.b', 'a+tag', 'x_y', '-a-', 'a..b', '.a', 'a.'])}@"
        f"{rng.choice(['ex.org', 'a-b.co', '-ab.org', 'ab-.org', 'x.y.z.museum', 'ex.o', 'ex.org-', 'ex..org', '1.23'])}"
        for _ in range(5_000)
    ]
    taken = [c for c in candidates if _PLAIN_ADDRESS.fullmatch(c)]
    assert len(taken) > 1_000  # the pattern is exercised, not just refusing
    assert [c for c in taken if not _django_accepts(c)] == []


@pytest.mark.parametrize(
    "address",
    ["reader@example.org", "a.b+news@mail.example.co.uk", "X_Y-1@sub-1.example.museum"],
)
def test_common_addresses_pass_as_typed(address):
    assert clean_address(f"  {address} ") == address


@pytest.mark.parametrize(
    "address",
    [
        "reader@bücher.example",
        "reader@[127.0.0.1]",
        "reader@localhost",
        "reader@xn--bcher-kva.example",
    ],
)
def test_other_addresses_django_accepts_still_pass(address):
    assert clean_address(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "reader@example.org\r\nBcc: x@evil.example",
        "a@example.org, b@example.org",
        "a..b@example.org",
        "reader@-example.org",
        "reader@example",
        "@example.org",
        "reader@example.org.",
        "",
        "x" * 310 + "@example.org",
    ],
)
def test_addresses_django_refuses_are_refused(address):
    with pytest.raises(EmailError):
        clean_address(address)


def test_an_address_longer_than_the_columns_that_hold_it_is_refused():
    """Django's validator takes up to 320 characters; every address column holds
    254, so a longer one would fail its INSERT (a whole fan-out page on PostgreSQL)."""
    longest = "a" * 63 + "." + "b" * 63 + "@" + "c" * 63 + "." + "d" * 58 + ".org"
    assert len(longest) == 254 and clean_address(longest) == longest
    too_long = "a" * 63 + "." + "b" * 63 + "." + "e" * 40 + "@" + "c" * 63 + "." + "d" * 59 + ".org"
    assert _django_accepts(too_long)
    with pytest.raises(EmailError, match="at most 254 characters"):
        clean_address(too_long)
