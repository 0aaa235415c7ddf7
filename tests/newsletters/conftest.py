"""Newsletters a test can sign up to, a story to find the box on, clean counters."""

from __future__ import annotations

import re

import pytest

from masthead.newsletters.models import Newsletter
from tests.fixtures import fresh_cache, one_sending_connection  # noqa: F401 (autouse)


@pytest.fixture
def daily(home):
    return Newsletter.objects.get(slug="daily")


@pytest.fixture
def letters(daily):
    """The daily and three others, in catalogue order (one inactive)."""
    daily.sort_order = 10
    daily.save()
    city = Newsletter.objects.create(
        slug="city-desk", name="City Desk", description="Council and transit.",
        frequency="weekly", sort_order=20,
    )  # fmt: skip
    climate = Newsletter.objects.create(
        slug="climate-watch", name="Climate Watch", description="The sea and the weather.",
        frequency="weekly", sort_order=30,
    )  # fmt: skip
    retired = Newsletter.objects.create(
        slug="retired", name="The Retired Letter", active=False, sort_order=40
    )
    return {"daily": daily, "city": city, "climate": climate, "retired": retired}


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_tokens(html: str) -> str:
    """The page with its per-response CSRF tokens blanked, for comparing answers."""
    return CSRF_VALUE.sub('name="csrfmiddlewaretoken" value=""', html)


def link_path(url: str) -> str:
    """The path of an absolute link from an email, for the test client."""
    return "/" + url.split("/", 3)[3]


# Tests that run the sending engine: committed rows, so the engine's own
# connections see them on PostgreSQL (see ``tests.fixtures.one_sending_connection``).
SENDS = pytest.mark.django_db(transaction=True)
