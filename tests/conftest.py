"""Shared fixtures: a site with a home page, so pages resolve to URLs."""

from __future__ import annotations

import pytest
from wagtail.models import Page, Site

from tests.content.factories import HomePageFactory, SectionPageFactory
from tests.smtp_server import smtp_backend, smtp_server  # noqa: F401 (shared fixtures)


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
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
