"""Site settings are kept per process while the page-cache generation is current."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from masthead.core import generation as generations
from masthead.core.models import SiteSettings


@pytest.fixture
def generation(db):
    """A current generation, as after the first page was stored."""
    cache.clear()
    SiteSettings.load_uncached()  # the row exists, as on any site past its first request
    yield generations.generation_bump()
    cache.clear()


def test_a_second_load_in_the_same_generation_runs_no_query(generation, django_assert_num_queries):
    SiteSettings.load()
    with django_assert_num_queries(0):
        assert SiteSettings.load().site_name == "The Masthead Courier"


def test_each_caller_gets_its_own_copy(generation):
    first = SiteSettings.load()
    first.site_name = "Edited in a form that was never saved"
    assert SiteSettings.load().site_name == "The Masthead Courier"


def test_a_change_made_elsewhere_shows_once_the_generation_moves(generation):
    SiteSettings.load()
    # Another process saved the settings: the row changed, then its commit bumped.
    SiteSettings.objects.update(site_name="The Alder Bay Lantern")
    assert SiteSettings.load().site_name == "The Masthead Courier"  # same generation
    generations.generation_bump()
    assert SiteSettings.load().site_name == "The Alder Bay Lantern"


def test_a_save_in_this_process_shows_at_once(generation):
    site = SiteSettings.load()
    site.site_name = "The Alder Bay Lantern"
    site.save()  # the bump waits for the commit; this process forgets its copy now
    assert SiteSettings.load().site_name == "The Alder Bay Lantern"


def test_an_unreadable_cache_falls_back_to_the_database(
    generation, monkeypatch, django_assert_num_queries
):
    class Broken:
        def read(self):
            raise ConnectionError("cache down")

    monkeypatch.setattr(generations, "_Record", Broken)
    with django_assert_num_queries(1):
        assert SiteSettings.load().site_name == "The Masthead Courier"


def test_a_copy_is_kept_at_most_keep_seconds(generation, monkeypatch):
    from masthead.core import models as core_models

    now = [1000.0]
    monkeypatch.setattr(core_models, "_clock", lambda: now[0])
    SiteSettings.load()
    SiteSettings.objects.update(site_name="Changed without a new generation")
    now[0] += core_models.KEEP_SECONDS - 1
    assert SiteSettings.load().site_name == "The Masthead Courier"
    now[0] += 2
    assert SiteSettings.load().site_name == "Changed without a new generation"


def test_a_cache_outage_drops_the_copy(generation, monkeypatch):
    SiteSettings.load()
    SiteSettings.objects.update(site_name="Saved while the cache was down")
    real_record = generations._Record

    class Broken:
        def read(self):
            raise ConnectionError("cache down")

        def write(self, token, only_if_absent=False):
            raise ConnectionError("cache down")

    monkeypatch.setattr(generations, "_Record", Broken)
    assert SiteSettings.load().site_name == "Saved while the cache was down"
    monkeypatch.setattr(generations, "_Record", real_record)  # back, with the old generation
    assert SiteSettings.load().site_name == "Saved while the cache was down"


@pytest.mark.django_db(transaction=True)
def test_an_empty_cache_gets_a_generation_so_the_next_load_runs_no_query(
    django_assert_num_queries,
):
    SiteSettings.load_uncached()  # the row exists (creating it is a change: a new generation)
    cache.clear()
    SiteSettings.load()  # starts a generation (a fresh deploy, a flushed cache)
    assert generations._Record().read() is not None
    with django_assert_num_queries(0):
        assert SiteSettings.load().site_name == "The Masthead Courier"
    cache.clear()


def test_no_generation_is_started_inside_a_transaction(db):
    """It would carry a meter policy read from rows that may never commit."""
    cache.clear()
    SiteSettings.load()  # the test runs inside a transaction
    assert generations._Record().read() is None
