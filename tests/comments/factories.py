"""Comments and commenters as tests need them, written straight to the tables
(the services are what the tests exercise; these only set the scene)."""

from __future__ import annotations

import factory
from django.utils import timezone

from masthead.comments.models import Comment, Commenter
from masthead.comments.services import body_fingerprint
from tests.accounts.factories import UserFactory


class CommenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commenter

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Reader {n}")
    approved_count = 5  # past the first-comments rule


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    author = factory.SubFactory(CommenterFactory)
    body = factory.Sequence(lambda n: f"A considered comment, number {n}.")
    body_hash = factory.LazyAttribute(lambda c: body_fingerprint(c.body))
    status = Comment.Status.PUBLISHED
    created_at = factory.LazyFunction(timezone.now)
    depth = 1


def reply_to(parent: Comment, **fields) -> Comment:
    """A reply placed the way ``comment_post`` places it."""
    from masthead.comments.services import _placement

    return CommentFactory(page_id=parent.page_id, **_placement(parent), **fields)
