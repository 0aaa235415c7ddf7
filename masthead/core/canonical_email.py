"""One person, one key: the canonical form of an email address, for "once per person" rules.

An account keeps its address as the reader typed it; rules such as "one free
trial per person" need the opposite: every spelling that reaches the same
mailbox, or that a person can trivially make to look like a new one, folded
to one key. What is folded, and why:

- Unicode compatibility forms (fullwidth letters) and letter case: NFKC, then
  lower case;
- punycode labels in the domain, decoded (``xn--...`` is the same domain);
- confusable characters (a Cyrillic ``а`` for a Latin ``a``) to their Latin
  look-alike, with Unicode's confusables table through
  ``confusable_homoglyphs``;
- a ``+tag`` in the local part (most providers deliver ``pat+x@`` to ``pat@``);
- at Gmail, dots in the local part and ``googlemail.com`` (Gmail ignores the
  dots and serves both domains).

The key is never used to send mail: it can merge two real people with
look-alike addresses (a rare, cheap mistake: one trial instead of two) but
cannot deliver anyone's mail elsewhere.
"""

from __future__ import annotations

import contextlib
import unicodedata
from functools import lru_cache

import idna
from confusable_homoglyphs import confusables

GMAIL_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """The ASCII character ``char`` is confusable with, or ``char`` itself."""
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for entry in found or []:
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isprintable():
                return glyph["c"].lower()
    return char


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(_latin_lookalike(char) for char in text)


def _domain(domain: str) -> str:
    labels = []
    for label in domain.strip().rstrip(".").split("."):
        if label.lower().startswith("xn--"):
            with contextlib.suppress(idna.IDNAError):  # not valid punycode: fold as it is
                label = idna.decode(label)
        labels.append(_fold(label))
    return ".".join(labels)


def email_canonical(email: str) -> str:
    """The key that every spelling of one person's address shares (see module docstring)."""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return _fold(email.strip())
    domain = _domain(domain)
    local = _fold(local).split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        domain = GMAIL_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"
