"""Readers as the accounts app sees them."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from masthead.accounts.models import User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A reader with a password and a confirmed address (pass ``verified=False`` to skip)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"reader-acct-{n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    password = factory.django.Password(PASSWORD)
    last_login = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        from allauth.account.models import EmailAddress

        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class WallReaderFactory(UserFactory):
    """Created by the registration wall: no password, never signed in, not confirmed."""

    password = factory.LazyFunction(lambda: make_password(None))
    last_login = None

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Not confirmed until set-up (or a sign-in link) proves the address."""
