"""The wall's endpoints answer 4xx, never 5xx, whatever their parameters say.

The story id is the parameter that reached the database unparsed: a number
past 64 bits raised ``OverflowError`` on SQLite. A seeded, bounded fuzz then
throws hostile values at every parameter of every wall endpoint.
"""

from __future__ import annotations

import random

import pytest

from tests.metering.helpers import text

TOO_BIG = "9223372036854775808"
WALL_COPY = "To keep reading, please enter your email address."


@pytest.mark.parametrize("path", ["/wall/", "/wall/sent/"])
@pytest.mark.parametrize("story", [TOO_BIG, "-1", "0", "1e3", "nonsense", "٣"])
def test_a_story_id_no_story_can_have_is_400(client, stories, path, story):
    response = client.get(path, {"story": story, "next": "/"})
    assert response.status_code == 400


def test_too_big_story_id_still_shows_the_wall(client, stories):
    response = client.get("/wall/", {"story": TOO_BIG})
    assert WALL_COPY in text(response)


@pytest.mark.parametrize("js", [False, True])
def test_bad_email_with_too_big_story_id_is_400_with_the_message(client, stories, js):
    headers = {"HTTP_ACCEPT": "application/json"} if js else {}
    response = client.post("/wall/", {"email": "not an address", "story": TOO_BIG}, **headers)
    assert response.status_code == 400
    assert "Please enter a valid email address" in text(response)


VALUES = [
    TOO_BIG,
    "99999999999999999999999999",
    "-9223372036854775809",
    "0",
    "1.5",
    "",
    " ",
    "\x00",
    "%00",
    "\ud7ff",
    "'\"><script>alert(1)</script>",
    "//evil.example/",
    "javascript:alert(1)",
    "x" * 3000,
    "a@b",
    "reader@example.org",
    "reader+tag@example.org",
    "reader@@example.org",
    "on",
    "1",
]
GET_PATHS = ["/wall/", "/wall/sent/", "/welcome/x/", "/welcome/.../"]
POST_PATHS = ["/wall/", "/welcome/resend/"]
FIELDS = ["story", "next", "email", "agree", "mode", "password1", "password2"]


def test_fuzzed_wall_parameters_never_answer_a_server_error(client, stories):
    rng = random.Random(7)
    failures = []
    for n in range(200):
        params = {rng.choice(FIELDS): rng.choice(VALUES) for _ in range(rng.randint(1, 4))}
        if n % 2:
            path = rng.choice(POST_PATHS)
            headers = {"HTTP_ACCEPT": "application/json"} if n % 4 == 1 else {}
            response = client.post(path, params, **headers)
        else:
            path = rng.choice(GET_PATHS)
            response = client.get(path, params)
        if response.status_code >= 500:
            failures.append((response.status_code, path, params))
    assert failures == []
