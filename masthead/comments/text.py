"""A comment as readers see it: plain text, paragraphs, links; never markup.

Everything a reader typed is escaped first; the only tags in the result are
the ``<p>``, ``<br>`` and ``<a>`` this module writes, and a link is made only
from an ``http(s)://`` or ``www.`` address that stops at any quote, angle
bracket or space, so its ``href`` can hold none of them, nor ``javascript:``. The output is
then passed through nh3 with an allow-list of exactly those tags, as a second
lock on the door should this code ever change.
"""

from __future__ import annotations

import re
import unicodedata

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Characters that change how text looks without being seen: zero-width
# spaces and joiners, direction overrides and isolates, the BOM.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL = re.compile(r"\b((?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]])", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n\s*\n")


def body_clean(text: str) -> str:
    """What is stored: NFC, no control or invisible formatting characters, \\n line ends."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _linked(paragraph: str) -> str:
    """The paragraph escaped, with each address (found in the raw text, so it
    stops at any quote or angle bracket) escaped again as a link."""
    parts, position = [], 0
    for match in _URL.finditer(paragraph):
        address = match.group(1)
        href = address if address.lower().startswith("http") else f"https://{address}"
        parts.append(escape(paragraph[position : match.start()]))
        parts.append(
            f'<a href="{escape(href)}" rel="nofollow ugc noopener" target="_blank">'
            f"{escape(address)}</a>"
        )
        position = match.end()
    parts.append(escape(paragraph[position:]))
    return "".join(parts)


def body_html(text: str) -> SafeString:
    """Paragraphs of escaped text with single line breaks kept and addresses linked."""
    paragraphs = [p for p in _PARAGRAPHS.split(text) if p.strip()]
    html = "".join("<p>" + _linked(p.strip()).replace("\n", "<br>") + "</p>" for p in paragraphs)
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href", "target"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
    )
    return mark_safe(cleaned)  # noqa: S308  (escaped above, then allow-listed by nh3)


def has_link(text: str) -> bool:
    return _URL.search(text) is not None
