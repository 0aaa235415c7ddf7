"""The moderation rules: which comments wait for a moderator and which are refused.

Word lists can hold thousands of entries, and a comment is checked on every
post, so a list is compiled once into a set of words and a set of phrases
(keyed by the list's text, so an edit in the admin takes effect at once).
A comment is folded the same way as the list (NFKC, case-folded, accents
and invisible characters removed) and split into words; checking is one set
lookup per word and per pair or triple of neighbouring words, never a loop
over the list. A phrase longer than three words is matched on its first
three.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .text import has_link

_WORD = re.compile(r"\w+")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
PHRASE_WORDS = 3


def fold(text: str) -> str:
    """Text as the rules compare it: "ＢＡＤ", "Bád" and "b\u200bad" all read "bad"."""
    text = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text)).casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@dataclass(frozen=True)
class WordList:
    words: frozenset[str]
    phrases: frozenset[tuple[str, ...]]

    def first_match(self, text: str) -> str | None:
        if not self.words and not self.phrases:
            return None
        tokens = _WORD.findall(fold(text))
        for index, token in enumerate(tokens):
            if token in self.words:
                return token
            if self.phrases:
                for size in range(2, PHRASE_WORDS + 1):
                    gram = tuple(tokens[index : index + size])
                    if len(gram) == size and gram in self.phrases:
                        return " ".join(gram)
        return None


@lru_cache(maxsize=8)
def word_list(source: str) -> WordList:
    """The compiled list for the admin's text (one entry a line)."""
    words: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for line in source.splitlines():
        tokens = tuple(_WORD.findall(fold(line)))
        if len(tokens) == 1:
            words.add(tokens[0])
        elif tokens:
            phrases.add(tokens[:PHRASE_WORDS])
    return WordList(frozenset(words), frozenset(phrases))


@dataclass(frozen=True)
class Verdict:
    status: str  # "published", "pending" or "rejected"
    reason: str = ""


def comment_verdict(*, text: str, settings, approved_before: int) -> Verdict:
    """What happens to a new or edited comment under the site's rules."""
    banned = word_list(settings.banned_words).first_match(text)
    if banned:
        return Verdict("rejected", f"banned word: {banned}")
    suspect = word_list(settings.suspect_words).first_match(text)
    if suspect:
        return Verdict("pending", f"suspect word: {suspect}")
    if settings.premoderate_links and has_link(text):
        return Verdict("pending", "contains a link")
    if approved_before < settings.premoderate_first:
        return Verdict("pending", "one of the reader's first comments")
    return Verdict("published")
