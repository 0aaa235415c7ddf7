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


# -- the MIME text a bulk send writes per recipient -----------------------------


def _mime_kwargs(n: int) -> dict:
    return {
        "sender": "The Courier <news@example.org>",
        "to": f"reader{n}@example.org",
        "message_id": f"<{n}@example.org>",
        "headers": {"List-Unsubscribe": f"<http://testserver/u/{n}/>"},
    }


@pytest.mark.parametrize(
    "personal",
    [
        HOSTILE,
        {"name": "Zoë  ", "unsubscribe_url": "http://testserver/u/" + "é=x" * 60},
        {"name": "=3D . \t", "unsubscribe_url": ""},
        {"name": 42},  # a key missing, a number
    ],
)
def test_the_mime_encoded_once_equals_building_each_message_whole(personal):
    """``BulkMime`` encodes the impersonal lines once per send; each message must
    still be byte for byte what building and encoding it whole gives, with the
    personal value in the subject, the text and the HTML (escaped there), long
    enough to wrap, with trailing blanks and characters quoted-printable escapes."""
    from masthead.mail.transport import BulkMime, mime_bytes

    prepared = email_prepare(
        template="mailtest/personal", context={"title": "Fish & chips"}, personal_keys=list(HOSTILE)
    )
    mime = BulkMime(prepared)
    assert mime.subject_is_personal
    assert mime.takes(personal)
    for n in range(3):
        whole = mime_bytes(rendered=prepared.personalise(personal), **_mime_kwargs(n))
        assert mime.data(personal=personal, **_mime_kwargs(n)) == whole


def test_a_personal_value_with_a_line_break_is_built_whole():
    """A line break in a value would move the lines the once-encoded text was cut
    at: such a recipient's message is built whole (``takes`` is false)."""
    from masthead.mail.transport import BulkMime

    prepared = email_prepare(
        template="mailtest/personal", context={"title": "T"}, personal_keys=list(HOSTILE)
    )
    mime = BulkMime(prepared)
    assert not mime.takes({**HOSTILE, "name": "Ann\nBo"})
    assert not mime.takes({**HOSTILE, "name": "Ann\rBo"})
    assert mime.takes(HOSTILE)
