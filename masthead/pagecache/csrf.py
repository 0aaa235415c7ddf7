"""CSRF tokens in shared pages: a placeholder when stored, this reader's token when served.

A walled story carries the wall form's CSRF token. The stored copy has a
placeholder where the token was; each answer puts in a token freshly masked
with the reader's own secret (Django's BREACH protection kept), or makes a
secret and its cookie for a reader who has none.
"""

from __future__ import annotations

import os
import re

from django.middleware.csrf import CSRF_ALLOWED_CHARS

CSRF_PLACEHOLDER = b"\x00mh-csrf\x00"
_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")
_CSRF_CHARS = CSRF_ALLOWED_CHARS
_CSRF_N = len(_CSRF_CHARS)  # 62
CSRF_SECRET = re.compile(f"[{re.escape(_CSRF_CHARS)}]{{32}}")  # a cookie Django would accept
# Random bytes at or above this are dropped, so that ``byte % 62`` is uniform.
_CSRF_UNBIASED = 256 - 256 % _CSRF_N
_DROP = 0xFF
# ``bytes.translate`` tables: random byte -> alphabet index (or _DROP);
# index -> character; character -> index; and index sum (0..122) -> the
# character of ``sum % 62``.
_RANDOM_TO_INDEX = bytes(b % _CSRF_N if b < _CSRF_UNBIASED else _DROP for b in range(256))
_INDEX_TO_CHAR = bytes(ord(_CSRF_CHARS[i % _CSRF_N]) for i in range(256))
_CHAR_TO_INDEX = bytes(
    _CSRF_CHARS.index(chr(b)) if chr(b) in _CSRF_CHARS else 0 for b in range(256)
)


def _csrf_indices(length: int) -> bytes:
    """``length`` uniform alphabet indices from one ``os.urandom`` call (rarely two)."""
    drawn = b""
    while len(drawn) < length:
        drawn += os.urandom(length + 16).translate(_RANDOM_TO_INDEX).replace(b"\xff", b"")
    return drawn[:length]


def csrf_random_string(length: int = 32) -> str:
    """What Django's ``_get_new_csrf_string`` returns, from one ``os.urandom`` call.

    Django draws each character with ``secrets.choice``, a system call per
    character; on a walled page served from the cache that was most of the
    cost of a hit. Same alphabet, uniform: bytes that would bias the draw
    are dropped, not folded.
    """
    return _csrf_indices(length).translate(_INDEX_TO_CHAR).decode()


def csrf_mask(secret: str) -> str:
    """Django's ``_mask_cipher_secret``: a fresh random mask per response (against
    BREACH), then each secret character shifted by the mask's, modulo 62.

    The shift is done for all 32 characters at once: as alphabet indices
    (0..61) packed into one integer each, mask and secret add without a carry
    between bytes (61 + 61 < 256), and a table turns each byte of the sum into
    its character. A character loop cost several times more on every walled hit.
    """
    length = len(secret)
    mask = _csrf_indices(length)
    secret_indices = secret.encode().translate(_CHAR_TO_INDEX)
    total = int.from_bytes(secret_indices, "big") + int.from_bytes(mask, "big")
    cipher = total.to_bytes(length, "big").translate(_INDEX_TO_CHAR)
    return (mask.translate(_INDEX_TO_CHAR) + cipher).decode()


def placeholder_tokens(body: bytes, secret: str | None) -> tuple[bytes, bool]:
    """Replace this render's masked CSRF tokens with a placeholder (reader-neutral body)."""
    if not secret:
        return body, False
    from django.middleware.csrf import _unmask_cipher_token

    found = False

    def swap(match):
        nonlocal found
        if _unmask_cipher_token(match[0].decode()) == secret:
            found = True
            return CSRF_PLACEHOLDER
        return match[0]

    return _TOKEN.sub(swap, body), found
