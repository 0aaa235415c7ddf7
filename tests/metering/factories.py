"""Readers, trials and reads, built the way the services build them."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from masthead.accounts.models import User
from masthead.metering.models import Entitlement


class ReaderFactory(factory.django.DjangoModelFactory):
    """An activated reader: verified address, signed in before, no subscription."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"reader-{n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    password = factory.django.Password("correct horse battery staple")
    last_login = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        from allauth.account.models import EmailAddress

        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class EntitlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entitlement

    user = factory.SubFactory(ReaderFactory)
    kind = Entitlement.TRIAL
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(weeks=6))
