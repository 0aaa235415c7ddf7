"""The follow box's form: parsing and the reader-facing error."""

from __future__ import annotations

from django import forms

from masthead.core.emails import AddressBoxForm


class FollowForm(AddressBoxForm):
    series = forms.SlugField(max_length=160)


class FollowToggleForm(forms.Form):
    follow = forms.IntegerField(min_value=1)
    on = forms.BooleanField(required=False)
