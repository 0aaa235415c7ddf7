"""Registration-wall sign-ups per second, end to end over HTTP.

Each request is the form POST a reader's browser makes from the wall (with
JavaScript: ``Accept: application/json``), for a new address every time; the
answer comes after the account, the consent and the queued activation email
are committed. The per-IP and per-address rate limits are raised for the run
(every request comes from 127.0.0.1). Goal: 600 sign-ups/s on PostgreSQL.
"""

from __future__ import annotations

import re
import urllib.request
from http.cookiejar import CookieJar

from . import Context, Run

ORDER = 30
CONCURRENCY = (16, 64)

_SCRIPT = r"""
-- Unique addresses across threads and wrk runs: start time, thread, counter.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  counter = 0
  prefix = string.format("bench-%%d-%%d-%%d", os.time(), tid or 0, math.random(1, 1000000))
end
function request()
  counter = counter + 1
  local body = "csrfmiddlewaretoken=%(token)s&agree=1&next=%(next)s&email="
    .. prefix .. "-" .. counter .. "%%40example.org"
  return wrk.format("POST", "/wall/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Cookie"] = "%(cookie)s",
  }, body)
end
"""


def server_env(options) -> dict[str, str]:
    return {"RATELIMIT_WALL_IP": "100000000/s", "RATELIMIT_WALL_EMAIL": "100000000/s"}


# What earlier runs left: their accounts (with consents), emails and queued
# send tasks (the benchmark runs no worker). Removed before measuring, so each
# run signs up against the demo's tables rather than a pile that grows with
# every run.
_FORGET_EARLIER_RUNS = r"""
from django_tasks_db.models import DBTaskResult
from masthead.accounts.models import User
from masthead.mail.models import Delivery

pattern = r"^bench-[0-9]+-[0-9]+-[0-9]+-[0-9]+@example\.org$"
users = User.objects.filter(email__regex=pattern)
print(users.count())
ids = set(Delivery.objects.filter(to__regex=pattern).values_list("pk", flat=True))
users.delete()
Delivery.objects.filter(pk__in=ids).delete()
ready = DBTaskResult.objects.filter(status="READY", task_path="masthead.mail.tasks.send_delivery")
ready.filter(args_kwargs__args__0__in=list(ids)).delete()
"""


def prepare(ctx: Context) -> None:
    """Earlier runs' sign-ups removed; a CSRF cookie and form token pair, as a
    browser gets them from the wall."""
    removed = ctx.django(_FORGET_EARLIER_RUNS, timeout=600).strip()
    ctx.notes["sign-ups"] = f"{removed} accounts from earlier runs removed before measuring"
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{ctx.base_url}/wall/?next={ctx.story_path}", timeout=10) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    cookie = next((c for c in jar if c.name == "csrftoken"), None)
    if not token or cookie is None:
        raise RuntimeError("bench signup: the wall page gave no CSRF token")
    script = ctx.tmp / "signup.lua"
    script.write_text(
        _SCRIPT
        % {
            "token": token.group(1),
            "cookie": f"csrftoken={cookie.value}",
            "next": ctx.story_path.replace("/", "%2F"),
        }
    )
    ctx.signup_script = str(script)


def runs(ctx: Context) -> list[Run]:
    return [
        Run("wall sign-up", "/wall/", concurrency=CONCURRENCY, script=ctx.signup_script, warm=False)
    ]
