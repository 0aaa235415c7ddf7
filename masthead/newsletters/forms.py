"""The sign-up box's form: parsing and the reader-facing error."""

from __future__ import annotations

from django import forms

from masthead.core.emails import SignupAddressField


class SignupForm(forms.Form):
    email = SignupAddressField()
    newsletter = forms.SlugField(max_length=60)
    next = forms.CharField(max_length=2000, required=False)


class ToggleForm(forms.Form):
    newsletter = forms.SlugField(max_length=60)
    on = forms.BooleanField(required=False)
