"""The moderation rules and the text rendering, without HTTP."""

from __future__ import annotations

from types import SimpleNamespace

from masthead.comments.rules import comment_verdict, fold, word_list
from masthead.comments.text import body_clean, body_html


def _settings(**fields):
    base = dict(banned_words="", suspect_words="", premoderate_links=True, premoderate_first=1)
    return SimpleNamespace(**{**base, **fields})


def test_fold_reads_through_width_case_accents_and_invisible_characters():
    assert fold("ＢＡＤ") == "bad"
    assert fold("Bád") == "bad"
    assert fold("b\u200bad") == "bad"
    assert fold("b\u00adad") == "bad"


def test_a_banned_word_rejects_even_disguised():
    rules = _settings(banned_words="scoundrel\nrotten egg", premoderate_first=0)
    for text in ["You SCOUNDREL.", "you ｓｃｏｕｎｄｒｅｌ", "sc\u200boundrel!", "a Rotten  Egg"]:
        assert comment_verdict(text=text, settings=rules, approved_before=9).status == "rejected"
    assert (
        comment_verdict(text="scoundrels", settings=rules, approved_before=9).status == "published"
    )


def test_suspect_words_links_and_first_comments_hold_for_a_moderator():
    rules = _settings(suspect_words="crypto", premoderate_first=2)
    held = comment_verdict(text="buy crypto now", settings=rules, approved_before=9)
    assert (held.status, held.reason) == ("pending", "suspect word: crypto")
    link = comment_verdict(text="see www.example.org", settings=rules, approved_before=9)
    assert (link.status, link.reason) == ("pending", "contains a link")
    first = comment_verdict(text="hello", settings=rules, approved_before=1)
    assert first.reason == "one of the reader's first comments"
    trusted = comment_verdict(text="hello", settings=rules, approved_before=2)
    assert trusted.status == "published"


def test_a_list_of_thousands_is_compiled_once_into_sets():
    source = "\n".join(f"word{n}" for n in range(5000)) + "\nfoul phrase here\n"
    compiled = word_list(source)
    assert word_list(source) is compiled  # cached: posting never recompiles
    assert len(compiled.words) == 5000
    assert compiled.phrases == frozenset({("foul", "phrase", "here")})
    assert compiled.first_match("nothing to see " * 300) is None
    assert compiled.first_match("then word4999 appears") == "word4999"
    assert compiled.first_match("a FOUL phrase here indeed") == "foul phrase here"


def test_body_clean_drops_control_and_direction_characters():
    assert body_clean("  a\u202eb\x00c\r\n\r\nd  ") == "abc\n\nd"


def test_body_html_keeps_paragraphs_and_line_breaks_and_links_addresses():
    html = body_html("First line\nsecond line\n\nSee https://example.org/a?b=1&c=2.")
    assert html == (
        "<p>First line<br>second line</p>"
        '<p>See <a href="https://example.org/a?b=1&amp;c=2" target="_blank"'
        ' rel="nofollow ugc noopener">https://example.org/a?b=1&amp;c=2</a>.</p>'
    )


def test_body_html_never_links_other_schemes_and_escapes_markup():
    html = body_html('javascript:alert(1) <a href="x">y</a> data:text/html,<script>')
    assert html == (
        '<p>javascript:alert(1) &lt;a href="x"&gt;y&lt;/a&gt; data:text/html,&lt;script&gt;</p>'
    )


def test_comment_times_read_as_djangos_date_filter_would_write_them():
    from datetime import UTC, datetime

    from django.utils import dateformat, timezone

    from masthead.comments.selectors import _when

    for hour, minute in [(0, 5), (9, 30), (12, 0), (13, 7), (23, 59)]:
        moment = datetime(2026, 3, 8, hour, minute, 12, 345678, tzinfo=UTC)
        label, iso = _when(moment)
        assert label == dateformat.format(timezone.localtime(moment), "M j, Y, g:i a")
        assert iso == f"2026-03-08T{hour:02}:{minute:02}:12Z"
