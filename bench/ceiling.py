"""The Python ceiling: the smallest WSGI callable, under granian like ``masthead serve``.

It answers every request with the story page's bytes (read once from
``BENCH_BODY``), so the difference to Masthead is what Django and Masthead
cost on top of the server, for the same bytes on the wire.
"""

import os

with open(os.environ["BENCH_BODY"], "rb") as _file:
    BODY = _file.read()

HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
