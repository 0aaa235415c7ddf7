"""Rendering: the triad with shared and personal context, CSS inlined, and the
render-once-substitute-per-recipient path that bulk sends use."""

from __future__ import annotations

from pathlib import Path

import pytest

from masthead.mail.rendering import email_prepare, email_render

pytestmark = pytest.mark.django_db

TEMPLATES = str(Path(__file__).parent / "templates")
HOSTILE = {"name": '<b>Ann & "Bo"</b>', "unsubscribe_url": "http://testserver/u/?a=1&b=2"}


@pytest.fixture(autouse=True)
def test_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [TEMPLATES]}]


def test_css_is_inlined():
    rendered = email_render(template="mailtest/plain", context={"title": "T"}, personal=HOSTILE)
    assert 'style="color: #123456;"' in rendered.html
    assert "<style>" not in rendered.html


def test_media_queries_stay_in_a_style_block():
    rendered = email_render(template="mailtest/filtered", context={"title": "T"}, personal=HOSTILE)
    assert "@media (max-width: 600px)" in rendered.html
    assert 'style="color: #123456;"' in rendered.html


def test_subject_is_plain_text():
    rendered = email_render(template="mailtest/plain", context={"title": "Q&A <live>"})
    assert rendered.subject == "Q&A <live>"


def test_substitution_equals_a_full_render_with_hostile_values():
    prepared = email_prepare(
        template="mailtest/plain", context={"title": "Fish & chips"}, personal_keys=list(HOSTILE)
    )
    assert prepared.matches(HOSTILE)
    personal = prepared.personalise(HOSTILE)
    assert "&lt;b&gt;Ann &amp; &quot;Bo&quot;&lt;/b&gt;" in personal.html
    assert '<b>Ann & "Bo"</b>' in personal.text
    assert 'href="http://testserver/u/?a=1&amp;b=2"' in personal.html


def test_a_template_that_filters_a_personal_value_is_detected():
    prepared = email_prepare(
        template="mailtest/filtered", context={"title": "T"}, personal_keys=list(HOSTILE)
    )
    assert not prepared.matches(HOSTILE)
