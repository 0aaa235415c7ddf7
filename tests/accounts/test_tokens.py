"""Signed, expiring, single-use tokens with an injectable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from masthead.accounts.tokens import TokenGenerator, TokenStatus
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def tokens(clock):
    return TokenGenerator(salt="tests.tokens", max_age=timedelta(days=7), clock=clock)


def test_a_fresh_token_is_valid_and_carries_its_data(tokens):
    user = UserFactory()
    check = tokens.check_token(tokens.make_token(user, data={"next": "/story/"}))
    assert check.ok and check.user == user and check.data == {"next": "/story/"}


def test_it_expires_after_max_age(tokens, clock):
    user = UserFactory()
    token = tokens.make_token(user)
    clock.now = T0 + timedelta(days=7, seconds=-1)
    assert tokens.check_token(token).ok
    clock.now = T0 + timedelta(days=7, seconds=1)
    assert tokens.check_token(token).status is TokenStatus.EXPIRED


def test_signing_in_uses_it_up(tokens):
    user = UserFactory()
    token = tokens.make_token(user)
    user.last_login = T0 + timedelta(minutes=1)
    user.save()
    assert tokens.check_token(token).status is TokenStatus.USED


def test_a_password_change_uses_it_up(tokens):
    user = UserFactory()
    token = tokens.make_token(user)
    user.set_password("another long password")
    user.save()
    assert tokens.check_token(token).status is TokenStatus.USED


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2], lambda t: "x" + t, lambda t: "", lambda t: "a:b"]
)
def test_forged_or_cut_tokens_are_invalid(tokens, mangle):
    user = UserFactory()
    assert tokens.check_token(mangle(tokens.make_token(user))).status is TokenStatus.INVALID


def test_a_token_for_one_purpose_is_worthless_for_another(tokens, clock):
    user = UserFactory()
    other = TokenGenerator(salt="tests.other", max_age=timedelta(days=7), clock=clock)
    assert other.check_token(tokens.make_token(user)).status is TokenStatus.INVALID


def test_a_deleted_account_makes_it_invalid(tokens):
    user = UserFactory()
    token = tokens.make_token(user)
    user.delete()
    assert tokens.check_token(token).status is TokenStatus.INVALID
