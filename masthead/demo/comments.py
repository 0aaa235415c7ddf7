"""Comment threads on a few demo stories: original text, three levels deep,
one reply flattened ("replying to"), one deleted, and a few held for moderators.

Readers here are demo accounts without a usable password; the rows are
written directly (the demo is the top layer and sets a scene; the rules and
rate limits that ``comments.services`` applies are for real readers).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from masthead.comments.models import Comment, Commenter
from masthead.comments.services import body_fingerprint

READERS = {
    "marta": "Marta Okafor",
    "glen": "Glen from Millrace",
    "priya": "Priya S.",
    "tomas": "Tomás Reyes",
    "hal": "Harbourside Hal",
    "ines": "Ines Varga",
    "newbie": "FirstTimeCaller",
}

# (reader, text, minutes after publication, likes, status, replies)
THREADS = {
    "pier-4-crane-collapse": [
        (
            "marta",
            "My brother works the night shift on Pier 5. They were told to keep working "
            "while the crane was still swaying. Somebody should ask the port authority why.",
            25,
            14,
            "published",
            [
                (
                    "hal",
                    "The port says work stopped within ten minutes. Ten minutes next to a "
                    "leaning crane is a long time.",
                    40,
                    6,
                    "published",
                    [
                        (
                            "marta",
                            "Exactly. And the shift log will show it, if anyone asks for it.",
                            52,
                            3,
                            "published",
                            [
                                (
                                    "glen",
                                    "Records requests to the port take about three weeks in my "
                                    "experience. Worth filing one today.",
                                    70,
                                    2,
                                    "published",
                                    [],
                                ),
                            ],
                        ),
                    ],
                ),
                ("tomas", "Wishing both workers a quick recovery.", 45, 9, "published", []),
            ],
        ),
        (
            "priya",
            "The inspection report from last spring flagged the slewing ring on this exact "
            "crane.\n\nIt is on the port's own website: https://port.example.org/inspections",
            90,
            21,
            "published",
            [],
        ),
        (
            "newbie",
            "first time commenting, is the pier open for the ferry tomorrow?",
            100,
            0,
            "pending",
            [],
        ),
    ],
    "bay-transit-overnight-buses": [
        (
            "ines",
            "As a hospital cleaner finishing at 2 a.m., this changes my week. The 14 route "
            "alone saves me a forty-minute walk.",
            60,
            17,
            "published",
            [
                ("glen", "Same for the bakery crews on Quay Road.", 80, 4, "published", []),
                (
                    "hal",
                    "Deleted by its author.",
                    85,
                    0,
                    "deleted",
                    [
                        (
                            "tomas",
                            "For what it's worth, the earlier timetable is still in the PDF.",
                            95,
                            1,
                            "published",
                            [],
                        ),
                    ],
                ),
            ],
        ),
        (
            "tomas",
            "Four routes is a start. The east side still has nothing after midnight.",
            120,
            8,
            "published",
            [],
        ),
    ],
    "flood-barrier-choice": [
        (
            "glen",
            "The tidal gate option costs more up front but the maintenance figures in the "
            "appendix make it cheaper over thirty years. Did anyone on the council read that far?",
            200,
            12,
            "published",
            [
                (
                    "priya",
                    "The appendix assumes steel prices from 2019. I would like to see it rerun.",
                    260,
                    7,
                    "published",
                    [],
                ),
            ],
        ),
        ("newbie", "this is all a scam by the engineers, look it up", 300, 0, "pending", []),
    ],
    "hospital-nurses-strike-ends": [
        (
            "ines",
            "Good news for the wards. The agreement says nothing about night-shift staffing "
            "ratios though, which was half the reason for the strike.",
            90,
            10,
            "published",
            [
                (
                    "marta",
                    "Page 4 of the agreement: a review in six months. We will see.",
                    130,
                    5,
                    "published",
                    [],
                )
            ],
        ),
    ],
}


def load_comments(story_ids: dict[str, int], published: dict[str, datetime], now: datetime) -> int:
    """Write the demo threads; returns how many comments were written."""
    User = get_user_model()
    commenters = {}
    for key, name in READERS.items():
        user = User.objects.create(
            username=f"demo-reader-{key}",
            email=f"{key}@readers.alderbaylantern.example",
            password=make_password(None),
        )
        commenters[key] = Commenter.objects.create(
            user=user, display_name=name, approved_count=0 if key == "newbie" else 10
        )
    written = 0
    for slug, thread in THREADS.items():
        if slug not in story_ids:
            continue
        start = published.get(slug) or now - timedelta(hours=6)
        for entry in thread:
            written += _write(entry, story_ids[slug], start, now, commenters, parent=None)
    return written


def _write(entry, page_id, start, now, commenters, *, parent: Comment | None) -> int:
    reader, text, minutes, likes, status, replies = entry
    created = min(start + timedelta(minutes=minutes), now - timedelta(minutes=1))
    placement = {"depth": 1}
    if parent is not None:
        placement = {
            "parent": parent if parent.depth < 3 else parent.parent,
            "root_id": parent.root_id or parent.pk,
            "reply_to": parent,
            "depth": min(parent.depth + 1, 3),
        }
    deleted = status == "deleted"
    comment = Comment.objects.create(
        page_id=page_id,
        author=commenters[reader],
        body="" if deleted else text,
        body_hash=body_fingerprint(text),
        status="published" if deleted else status,
        held_because="one of the reader's first comments" if status == "pending" else "",
        like_count=likes,
        created_at=created,
        deleted_at=created + timedelta(minutes=3) if deleted else None,
        **placement,
    )
    written = 1
    for reply in replies:
        written += _write(reply, page_id, start, now, commenters, parent=comment)
    return written
