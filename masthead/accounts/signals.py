"""Sent inside the deletion transaction, before the user row goes, so apps
whose rows must outlive the reader (comments, aggregates) can anonymise them."""

from django.dispatch import Signal

# Sent with ``user``.
account_deleting = Signal()
