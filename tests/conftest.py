"""Shared fixtures: a site with a home page, so pages resolve to URLs."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

from masthead.core.db import reserved_ids_forget
from masthead.core.generation import watch
from masthead.core.models import site_settings_forget
from tests.content.factories import HomePageFactory, SectionPageFactory
from tests.smtp_server import smtp_backend, smtp_server  # noqa: F401 (shared fixtures)


def _restore_seed_rows() -> Page:
    """Wagtail's migrations create a locale, a root page and a root collection;
    ours the daily newsletter.

    A transactional test (browser, live server) empties every table when it
    ends, so the next one puts them back before building its site.
    """
    # The migration's own function (get_or_create), so the seed row matches it.
    daily = importlib.import_module("masthead.newsletters.migrations.0002_daily_newsletter")
    daily.create_daily(django_apps, None)
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE.split("-")[0])
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


@pytest.fixture
def home(db):
    root = _restore_seed_rows()
    for child in root.get_children():
        Site.objects.filter(root_page=child).delete()
        child.delete()
    root = Page.get_first_root_node()
    home_page = HomePageFactory(parent=root)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="testserver", port=80, root_page=home_page, is_default_site=True, site_name="Test"
    )
    return home_page


@pytest.fixture
def section(home):
    return SectionPageFactory(parent=home, title="World", slug="world")


@pytest.fixture
def app(db):
    """The page cache in front of Django, as ``masthead serve`` runs it."""
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application

    from masthead.pagecache.app import PageCacheApp

    cache.clear()
    watch.forget()
    return PageCacheApp(get_wsgi_application())


@pytest.fixture(autouse=True)
def _fresh_site_settings():
    """Each test reads the site settings its own database holds (see core/models.py)."""
    site_settings_forget()
    reserved_ids_forget()
    watch.forget()
    yield
    site_settings_forget()
    watch.forget()


@pytest.fixture(autouse=True)
def _no_kept_mail_connections():
    """A worker keeps its SMTP and record connections while a batch is due
    (mail/senders.py); a test that leaves a batch due must not leave them open,
    or the test database cannot be dropped at the end."""
    yield
    from masthead.mail.senders import senders_close

    senders_close()
