"""One free trial per person, as far as the address can tell.

Each spelling below reaches the same person (or is one a person can make in
a second): the second sign-up gets an account, with its address exactly as
typed, but no second trial.
"""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.accounts.models import User
from masthead.core.canonical_email import email_canonical
from masthead.metering import services
from masthead.metering.models import Entitlement, TrialGrant
from tests.metering.factories import ReaderFactory
from tests.metering.test_welcome import setup_link

SAME_PERSON = [
    ("pat@example.org", "pat+trial2@example.org"),  # a plus-tag
    ("pat@example.org", "PAT+x+y@Example.org"),  # case and nested tags
    ("pat.smith@gmail.com", "patsmith@gmail.com"),  # Gmail ignores dots
    ("patsmith@gmail.com", "p.a.t.s.m.i.t.h@gmail.com"),
    ("patsmith@gmail.com", "patsmith@googlemail.com"),  # Gmail's other domain
    ("pat.smith@googlemail.com", "pat.smith+news@gmail.com"),
    ("pat@example.org", "pat@ex\u0430mple.org"),  # a Cyrillic "а" in the domain
    ("pat@example.org", "pat@\u0435x\u0430mpl\u0435.org"),  # three of them
    ("pat@example.org", "pat@xn--exmple-4nf.org"),  # the same, as punycode
]


def set_up(email: str, story) -> User:
    client = Client()
    response = client.post("/wall/", {"email": email, "agree": "1", "story": story.pk})
    assert response.status_code == 302
    user = User.objects.order_by("-pk").first()  # the new account, or the same one
    assert client.post(setup_link(user.email), {"mode": "link"}).status_code == 302
    return user


@pytest.mark.parametrize(("first", "second"), SAME_PERSON)
def test_second_spelling_gets_an_account_but_no_second_trial(stories, first, second):
    owner = set_up(first, stories[0])
    assert Entitlement.objects.filter(user=owner, kind=Entitlement.TRIAL).count() == 1
    again = set_up(second, stories[0])
    if again.pk == owner.pk:  # the address is the same account (case, fullwidth)
        assert Entitlement.objects.filter(kind=Entitlement.TRIAL).count() == 1
        return
    assert not Entitlement.objects.filter(user=again).exists()
    assert TrialGrant.objects.count() == 1


@pytest.mark.parametrize(
    "typed", ["pat+trial2@example.org", "p.a.t@gmail.com", "pat@googlemail.com"]
)
def test_the_account_keeps_the_address_as_typed(stories, typed):
    user = set_up(typed, stories[0])
    assert User.objects.get(pk=user.pk).email == typed
    assert Entitlement.objects.filter(user=user, kind=Entitlement.TRIAL).count() == 1


def test_different_people_still_get_their_own_trials(stories):
    for email in ("pat@example.org", "pam@example.org", "pat@example.net", "pat.s@hotmail.com",
                  "pats@hotmail.com"):  # fmt: skip
        user = set_up(email, stories[0])
        assert Entitlement.objects.filter(user=user, kind=Entitlement.TRIAL).count() == 1, email


def test_a_grant_recorded_before_canonical_keys_still_counts(db):
    """Grants made before this change were keyed on the lower-cased address."""
    TrialGrant.objects.create(email_hash=services.email_hash_before_canonical("p.a.t@gmail.com"))
    assert services.trial_start(user=ReaderFactory(email="P.A.T@gmail.com")) is None


# Fingerprints as the grants table holds them: sha256 of "masthead-trial:" and the
# address, canonical since email_canonical, lower-cased before it.
GRANTED_PAT_EXAMPLE_ORG = "d2e9dadd7f3fa22beaf9b0883859dc9aa5030c58c8f040c8e326884fbd4da5df"
GRANTED_BEFORE_CANONICAL_P_A_T_GMAIL = (
    "ecc51c34020e11aeff60f867562392cd536c3bf12c49bbe582860ebf676f40cc"
)


def test_grants_recorded_by_earlier_releases_keep_counting(db):
    """The fingerprint is stored, so it must come out the same in every release:
    a change would give everyone who had a trial a second one."""
    TrialGrant.objects.create(email_hash=GRANTED_PAT_EXAMPLE_ORG)
    TrialGrant.objects.create(email_hash=GRANTED_BEFORE_CANONICAL_P_A_T_GMAIL)
    assert services.trial_start(user=ReaderFactory(email="Pat+news@Example.org")) is None
    assert services.trial_start(user=ReaderFactory(email="P.A.T@gmail.com")) is None
    assert services.trial_start(user=ReaderFactory(email="pam@example.org")) is not None


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Pat@Example.org", "pat@example.org"),
        ("pat+news@example.org", "pat@example.org"),
        ("P.at+x@GoogleMail.com", "pat@gmail.com"),
        ("pat.smith@example.org", "pat.smith@example.org"),  # dots matter elsewhere
        ("pat@ex\u0430mple.org", "pat@example.org"),
        ("p\u0430t@example.org", "pat@example.org"),
        ("pat@xn--exmple-4nf.org", "pat@example.org"),
        ("\uff50\uff41\uff54@example.org", "pat@example.org"),
        ("pat0@example.org", "pat0@example.org"),  # ASCII stays as it is
    ],
)
def test_canonical_form(typed, canonical):
    assert email_canonical(typed) == canonical
