"""The follow box's form: parsing and the reader-facing error."""

from __future__ import annotations

from django import forms

from masthead.core.emails import INVALID_EMAIL, signup_address


class FollowForm(forms.Form):
    email = forms.CharField(
        max_length=320, required=False, error_messages={"max_length": INVALID_EMAIL}
    )
    series = forms.SlugField(max_length=160)
    next = forms.CharField(max_length=2000, required=False)

    def clean_email(self) -> str:
        try:
            return signup_address(self.cleaned_data.get("email", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class FollowToggleForm(forms.Form):
    follow = forms.IntegerField(min_value=1)
    on = forms.BooleanField(required=False)
