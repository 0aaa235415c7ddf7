"""Suppressions in the Wagtail admin: listed, added by hand, lifted."""

from __future__ import annotations

import pytest

from masthead.mail.models import Suppression
from masthead.mail.suppression import address_is_suppressed, suppression_add

pytestmark = pytest.mark.django_db


def test_suppressions_are_listed_with_their_reason(admin_client):
    suppression_add(address="Bounced@Example.org", reason="bounced", detail="postmark bounced")
    suppression_add(address="angry@example.org", reason="complained")
    page = admin_client.get("/admin/suppressions/").content.decode()
    assert "bounced@example.org" in page
    assert "Hard bounce" in page
    assert "angry@example.org" in page
    assert "Spam complaint" in page


def test_lifting_a_suppression_lets_bulk_email_through_again(admin_client):
    suppression = suppression_add(address="back@example.org", reason="bounced")
    url = f"/admin/suppressions/delete/{suppression.pk}/"
    confirm = admin_client.get(url).content.decode()
    assert "Lift the suppression of back@example.org?" in confirm
    response = admin_client.post(url, follow=True)
    assert "Suppression of &#x27;back@example.org&#x27; lifted" in response.content.decode()
    assert not address_is_suppressed("back@example.org")


def test_an_editor_adds_a_suppression_in_any_case(admin_client):
    suppression_add(address="known@example.org", reason="bounced")
    response = admin_client.post(
        "/admin/suppressions/new/",
        {"address": "Known@Example.org", "reason": "manual", "detail": ""},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "already exists" in response.content.decode()
    admin_client.post(
        "/admin/suppressions/new/", {"address": " New@Example.org ", "reason": "manual"}
    )
    assert Suppression.objects.get(reason="manual").address == "new@example.org"


def test_the_list_escapes_hostile_details(admin_client):
    suppression_add(address="x@example.org", reason="bounced", detail="<script>alert(1)</script>")
    page = admin_client.get("/admin/suppressions/").content.decode()
    assert "<script>alert(1)</script>" not in page
