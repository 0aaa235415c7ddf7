"""Accounts are found by address in any letter case, through the unique index."""

from __future__ import annotations

import pytest
from django.db import connection

from masthead.accounts.services import users_with_email
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_any_case_finds_the_one_account():
    reader = UserFactory(email="Pat.Reader@Example.org")
    UserFactory(email="someone.else@example.org")
    assert list(users_with_email("pat.reader@example.org")) == [reader]
    assert list(users_with_email("PAT.READER@EXAMPLE.ORG")) == [reader]
    assert not users_with_email("pat@example.org").exists()


@pytest.mark.django_db
def test_postgresql_answers_from_the_case_insensitive_index():
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL enable_seqscan = off"
        )  # a tiny test table would be scanned anyway
    plan = users_with_email("Pat.Reader@Example.org").explain()
    assert "accounts_user_email_ci_unique" in plan, plan
