"""The edges of sign-in and set-up tokens: the exact expiry, a clock a little
ahead, what each answer carries, and payloads signed with the right key but
the wrong shape (found by mutation testing, ``python -m tests.mutation tokens``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.utils.crypto import salted_hmac

from masthead.accounts.tokens import TokenCheck, TokenGenerator, TokenStatus
from tests.accounts.factories import UserFactory
from tests.accounts.test_tokens import T0, Clock

pytestmark = pytest.mark.django_db

SALT = "tests.tokens"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def tokens(clock):
    return TokenGenerator(salt=SALT, max_age=timedelta(days=7), clock=clock)


def test_valid_up_to_and_including_max_age(tokens, clock):
    user = UserFactory()
    token = tokens.make_token(user)
    clock.now = T0 + timedelta(days=7)
    assert tokens.check_token(token).status is TokenStatus.VALID


def test_a_token_from_a_server_a_minute_ahead_is_valid_more_is_not(tokens, clock):
    user = UserFactory()
    clock.now = T0 + timedelta(seconds=60)
    ahead = tokens.make_token(user)
    clock.now = T0
    assert tokens.check_token(ahead).status is TokenStatus.VALID
    clock.now = T0 + timedelta(seconds=61)
    further = tokens.make_token(user)
    clock.now = T0
    check = tokens.check_token(further)
    assert check.status is TokenStatus.EXPIRED and check.user == user


def test_expired_and_used_answers_name_the_account_and_keep_the_data(tokens, clock):
    """So a page can offer the reader a fresh link to the right address."""
    user = UserFactory()
    token = tokens.make_token(user, data={"next": "/story/"})
    clock.now = T0 + timedelta(days=8)
    expired = tokens.check_token(token)
    assert expired == TokenCheck(TokenStatus.EXPIRED, user, {"next": "/story/"})
    assert not expired.ok
    clock.now = T0
    user.set_password("a different long password")
    user.save()
    assert tokens.check_token(token) == TokenCheck(TokenStatus.USED, user, {"next": "/story/"})


def test_a_token_without_data_checks_with_empty_data(tokens):
    user = UserFactory()
    check = tokens.check_token(tokens.make_token(user))
    assert check == TokenCheck(TokenStatus.VALID, user, {})
    assert check.ok is True


def test_an_invalid_answer_names_nobody():
    check = TokenGenerator(salt=SALT, max_age=timedelta(days=1)).check_token("nonsense")
    assert check == TokenCheck(TokenStatus.INVALID, None, None)


def test_a_new_address_or_deactivation_uses_it_up(tokens):
    user = UserFactory()
    token = tokens.make_token(user)
    user.email = "someone.else@example.org"
    user.save()
    assert tokens.check_token(token).status is TokenStatus.USED
    other = UserFactory()
    token = tokens.make_token(other)
    other.is_active = False
    other.save()
    assert tokens.check_token(token).status is TokenStatus.USED


def test_the_address_in_another_letter_case_keeps_it_valid(tokens):
    user = UserFactory(email="reader@example.org")
    token = tokens.make_token(user)
    user.email = "Reader@Example.org"
    user.save()
    assert tokens.check_token(token).ok


def test_the_state_hash_differs_per_purpose_and_per_account(clock):
    user, other = UserFactory(), UserFactory()
    one = TokenGenerator(salt="a", max_age=timedelta(days=1), clock=clock)
    two = TokenGenerator(salt="b", max_age=timedelta(days=1), clock=clock)
    assert one.state_hash(user) != two.state_hash(user)
    assert one.state_hash(user) != one.state_hash(other)
    assert len(one.state_hash(user)) == 32


def test_the_default_clock_is_the_real_time():
    user = UserFactory()
    tokens = TokenGenerator(salt=SALT, max_age=timedelta(minutes=5))
    assert tokens.check_token(tokens.make_token(user)).ok


@pytest.mark.parametrize(
    "payload",
    [
        {"t": 0, "h": "x"},  # no account
        {"u": 1, "h": "x"},  # no time
        {"u": 1, "t": 0},  # no state
        ["u", "t", "h"],  # not an object
        {"u": 1, "t": "soon", "h": "x"},  # not a number
        {"u": 1, "t": None, "h": "x"},  # nothing
    ],
)
def test_a_well_signed_payload_of_the_wrong_shape_is_invalid(tokens, payload):
    token = signing.Signer(salt=SALT).sign_object(payload, compress=True)
    assert tokens.check_token(token) == TokenCheck(TokenStatus.INVALID)


def test_the_state_hash_is_over_this_exact_account_state(tokens):
    """Links already in readers' inboxes must still work after an upgrade, so
    the state a token is bound to is pinned here: id, password hash, last
    sign-in (empty before the first), address in lower case, active flag."""
    user = UserFactory(email="Reader@Example.org")
    user.last_login = None

    def expected(login: str) -> str:
        state = f"{user.pk}|{user.password}|{login}|reader@example.org|True"
        return salted_hmac(f"{SALT}.state", state, algorithm="sha256").hexdigest()[:32]

    assert tokens.state_hash(user) == expected("")
    user.last_login = T0
    assert tokens.state_hash(user) == expected("2026-03-01T12:00:00+00:00")
