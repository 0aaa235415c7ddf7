"""The sign-up box's form: parsing and the reader-facing error."""

from __future__ import annotations

from django import forms

from masthead.core.emails import AddressBoxForm


class SignupForm(AddressBoxForm):
    newsletter = forms.SlugField(max_length=60)


class ToggleForm(forms.Form):
    newsletter = forms.SlugField(max_length=60)
    on = forms.BooleanField(required=False)
