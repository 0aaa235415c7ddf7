"""A reader deleting their account: every email kept for their address goes,
whatever its letter case, and nobody else's; their suppression stays."""

from __future__ import annotations

import pytest

from masthead.mail.models import (
    BulkDelivery,
    BulkSend,
    Delivery,
    MailboxMessage,
    Suppression,
)
from masthead.mail.services import address_mail_forget, email_enqueue

pytestmark = pytest.mark.django_db


def test_forgetting_an_address_erases_its_emails_only_and_keeps_its_suppression():
    for n, to in enumerate(["Pat@Example.org", "sam@example.org"]):
        email_enqueue(key=f"k{n}", to=to, template="accounts/signin_link", context={})
    edition = BulkSend.objects.create(key="edition-1", template="mail/notice", source="test")
    BulkDelivery.objects.create(send=edition, ref=1, to="PAT@example.org")
    BulkDelivery.objects.create(send=edition, ref=2, to="sam@example.org")
    MailboxMessage.objects.create(subject="Hello", to="pat@example.ORG")
    MailboxMessage.objects.create(subject="Hello", to="sam@example.org")
    Suppression.objects.create(address="pat@example.org", reason=Suppression.Reason.BOUNCED)

    address_mail_forget(address="pat@example.org")

    assert list(Delivery.objects.values_list("to", flat=True)) == ["sam@example.org"]
    assert list(BulkDelivery.objects.values_list("to", flat=True)) == ["sam@example.org"]
    assert list(MailboxMessage.objects.values_list("to", flat=True)) == ["sam@example.org"]
    assert list(Suppression.objects.values_list("address", flat=True)) == ["pat@example.org"]
