"""Comment threads and the comment count, as readers' browsers ask for them.

- ``thread 10`` / ``thread 5000``: the first page of a thread of 10 and of
  5,000 comments (an anonymous reader, rendered by Django: thread pages never
  enter the page cache). Rounds alternate; the goal is that the large
  thread's first page costs under 3x the small one's (ratio above 0.33).
- ``comment count``: the JSON that ``comments.js`` fetches after a cached story
  page loads, answered from the counts cache; compared with the story page
  itself (docs/decisions/0013-comments-count-after-load.md).
"""

from __future__ import annotations

from . import Context, Run

ORDER = 40

_THREADS = """
from django.utils import timezone
from masthead.comments.models import Comment, Commenter
from masthead.content.models import StoryPage
from masthead.accounts.models import User

story_id = {story_id}
small, large = (
    StoryPage.objects.live().exclude(pk=story_id).order_by("pk").values_list("pk", flat=True)[:2]
)
Comment.objects.filter(body__startswith="bench:").delete()
user, _ = User.objects.get_or_create(username="bench-commenter", defaults={{"email": "bench-commenter@example.org"}})
author, _ = Commenter.objects.get_or_create(user=user, defaults={{"display_name": "Bench Reader"}})
now = timezone.now()


def thread(page_id, size):
    made = 0
    while made < size:
        root = Comment.objects.create(
            page_id=page_id, author=author, body=f"bench: top-level comment {{made}}",
            created_at=now, depth=1, like_count=made % 7,
        )
        made += 1
        replies = [
            Comment(
                page_id=page_id, author=author, body=f"bench: reply {{made + n}}\\n\\nwith a second paragraph",
                parent=root, root=root, reply_to=root, depth=2, created_at=now,
            )
            for n in range(min(3, size - made))
        ]
        Comment.objects.bulk_create(replies)
        made += len(replies)


thread(small, 10)
thread(large, 5000)
print(small, large)
"""


# The same two first pages rendered in one process, alternating, many times:
# on a loaded machine wrk's few seconds per run hold few requests of a page
# that Django renders, so the medians here are the steadier ratio.
_RENDERS = """
import statistics, time
from django.test import Client

client = Client(HTTP_HOST="127.0.0.1")
small, large = {small}, {large}
for pid in (small, large):
    assert client.get(f"/comments/{{pid}}/").status_code == 200
times = {{small: [], large: []}}
for _ in range({rounds}):
    for pid in (small, large):
        started = time.perf_counter()
        client.get(f"/comments/{{pid}}/")
        times[pid].append((time.perf_counter() - started) * 1000)
print(statistics.median(times[small]), statistics.median(times[large]))
"""


def prepare(ctx: Context) -> None:
    small, large = ctx.django(_THREADS.format(story_id=ctx.story_id), timeout=900).split()
    ctx.comment_threads = (int(small), int(large))
    ctx.notes["comments"] = (
        f"threads of 10 (page {small}) and 5,000 comments (page {large}), 1,250 top-level "
        "with three replies each; earlier runs' bench comments removed first"
    )
    rounds = 10 if ctx.quick else 40
    code = _RENDERS.format(small=small, large=large, rounds=rounds)
    small_ms, large_ms = (float(x) for x in ctx.django(code, timeout=900).split())
    ratio = large_ms / small_ms
    ctx.notes["comments first page"] = (
        f"rendered in process, {rounds} alternating rounds: thread 10 {small_ms:.1f} ms, "
        f"thread 5000 {large_ms:.1f} ms (median), {ratio:.2f}x (goal < 3x: "
        f"{'met' if ratio < 3 else 'NOT met'})"
    )


def runs(ctx: Context) -> list[Run]:
    small, large = ctx.comment_threads
    # The count first, and the threads at c=1 only: a page Django renders,
    # loaded at c=16 on two workers, leaves a queue that the next rows would
    # measure instead of themselves.
    return [
        Run(
            "comment count",
            f"/comments/counts/?pages={ctx.story_id}",
            concurrency=(1, 16, 64),
            baseline="story",
        ),
        Run("thread 10", f"/comments/{small}/", concurrency=(1,)),
        Run("thread 5000", f"/comments/{large}/", concurrency=(1,), baseline="thread 10"),
    ]
