"""Hostile text posted through the real form never becomes markup in the thread."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from masthead.comments.models import Comment

CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "＜script＞alert(1)＜/script＞",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\u202e>tpircs/<)1(trela>tpircs<",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/'><script>alert(1)</script>",
    "www.example.org/<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<details open ontoggle=alert(1)>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


class TagCollector(HTMLParser):
    """Every tag and attribute inside the comments' text, and every tag in the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.everywhere: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.everywhere.append((tag, attrs))
        classes = dict(attrs).get("class") or ""
        if self.depth:
            self.depth += 1
            self.tags.append((tag, attrs))
        elif "comment__text" in classes.split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_startendtag(self, tag, attrs):
        self.everywhere.append((tag, attrs))
        if self.depth:
            self.tags.append((tag, attrs))


@pytest.mark.parametrize("payload", CORPUS)
def test_payload_renders_as_text(reader_client, story, rules, payload):
    reader_client.post(
        f"/comments/{story.pk}/post/", {"body": payload, "display_name": payload[:60]}
    )
    assert Comment.objects.count() == 1
    html = reader_client.get(f"/comments/{story.pk}/").content.decode()
    collector = TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag in {"p", "br", "a"}, (tag, payload)
        for name, value in attrs:
            assert not name.startswith("on"), (name, payload)
            if name == "href":
                assert value.startswith(("https://", "http://")), value
                assert '"' not in value and "<" not in value, value
    # The page as a whole: no event handler anywhere, no script but the site's own files.
    for tag, attrs in collector.everywhere:
        assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)
        if tag in {"script", "iframe", "svg", "math", "object", "embed", "img"}:
            assert tag == "script" and dict(attrs)["src"].startswith("/static/"), (tag, attrs)
