"""Inserts that may meet a unique row, in real transactions (not the test's own)."""

from __future__ import annotations

import pytest

from masthead.core.db import insert_or_ignore
from masthead.mail.models import Delivery
from masthead.metering.models import Consent

pytestmark = pytest.mark.django_db(transaction=True)


def _delivery(key: str) -> Delivery:
    return Delivery(key=key, to="reader@example.org", template="metering/activation")


def test_insert_or_ignore_inserts_once_and_reports_the_second_as_ignored():
    first, second = _delivery("k-1"), _delivery("k-1")
    assert insert_or_ignore(first) is True and first.pk is not None
    assert insert_or_ignore(second) is False and second.pk is None
    assert Delivery.objects.filter(key="k-1").count() == 1


def test_a_wall_signup_in_its_own_transaction_commits_account_consent_email_and_task(home):
    from django_tasks_db.models import DBTaskResult

    from masthead.accounts.models import User
    from masthead.metering.services import wall_signup

    wall_signup(email="New.Reader@Example.org", agreed=True, ip="203.0.113.5", next_url="/")
    user = User.objects.get(email="New.Reader@example.org")
    assert Consent.objects.filter(user=user, source=Consent.WALL, ip="203.0.113.5").exists()
    delivery = Delivery.objects.get(key=f"wall-activation:{user.pk}")
    assert DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk]).count() == 1
