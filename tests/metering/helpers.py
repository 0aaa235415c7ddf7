"""Reading pages and emails the way a reader does."""

from __future__ import annotations

import html
import re

THANKS = (
    "Check your inbox. We've sent an email explaining how to set up an account "
    "and activate your free digital subscription."
)


def text(response) -> str:
    """The page's words as a reader reads them: tags out, whitespace collapsed."""
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        body = response.json()["html"]
    return words_of(body)


def words_of(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"</?(a|strong|em|span|b|i|time)\b[^>]*>", "", body)  # inline: no gap
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def link_in(message_text: str, path_prefix: str) -> str:
    """The path of the first link in an email body that starts with ``path_prefix``."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s\"<]*)", message_text)
    assert match, f"no {path_prefix} link in: {message_text[:500]}"
    return html.unescape(match.group(1))
