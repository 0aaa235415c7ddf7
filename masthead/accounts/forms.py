from __future__ import annotations

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.hashers import make_password


class SigninLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)


class AccountDeleteForm(forms.Form):
    """Deleting cannot be undone: the reader types their address, and their
    password when they have one."""

    email = forms.CharField(label="Type your email address to confirm", max_length=254)
    password = forms.CharField(
        label="Your password", required=False, widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError("That is not the email address of this account.")
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if not password:
            raise forms.ValidationError("Please enter your password.")
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right.")
        return password


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form in the site's words."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"


class ChangeEmailForm(allauth_forms.AddEmailForm):
    """The email-change page's field, named for what the reader types in it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "New address"
        self.fields["email"].widget.attrs.pop("placeholder", None)


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, doing the same work whether or not the address is taken.

    For a taken address allauth creates nothing and emails the owner, which
    skipped the password hashing a new account pays for: the answer came
    twenty times sooner and told anyone timing it that the address has an
    account. The password is hashed either way (the hash of a taken address's
    attempt is thrown away).
    """

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
