"""Forms for the wall and the account set-up page: parsing and reader-facing errors."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from email_validator import EmailNotValidError, validate_email

INVALID_EMAIL = "Please enter a valid email address"
NO_AGREEMENT = "Please indicate agreement."


def email_normalise_for_signup(value: str) -> str:
    """The address as we will store it, or ``ValidationError`` with the wall's copy.

    ``email-validator`` without DNS: it refuses bad syntax and domains that can
    never receive mail (no dot, reserved names such as ``localhost`` or
    ``.invalid``), and turns an internationalised domain into its canonical form.
    Local parts must be ASCII: SMTPUTF8 mailboxes cannot be reached reliably.
    """
    value = (value or "").strip()
    if not value or len(value) > 254:
        raise forms.ValidationError(INVALID_EMAIL)
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise forms.ValidationError(INVALID_EMAIL) from None
    # Keep the local part as typed; the domain in its Unicode form, lower-cased.
    return f"{result.local_part}@{result.domain.lower()}"


class WallForm(forms.Form):
    email = forms.CharField(
        max_length=320, required=False, error_messages={"max_length": INVALID_EMAIL}
    )
    agree = forms.BooleanField(required=False)
    next = forms.CharField(max_length=2000, required=False)
    story = forms.IntegerField(required=False, min_value=1)

    def clean_email(self) -> str:
        return email_normalise_for_signup(self.cleaned_data.get("email", ""))

    def clean_agree(self) -> bool:
        if not self.cleaned_data.get("agree"):
            raise forms.ValidationError(NO_AGREEMENT)
        return True

    def clean_story(self):
        return self.cleaned_data.get("story") or None


class ResendForm(forms.Form):
    """Ask for a fresh set-up link (expired or used link)."""

    email = forms.CharField(max_length=320, required=False)
    next = forms.CharField(max_length=2000, required=False)

    def clean_email(self) -> str:
        return email_normalise_for_signup(self.cleaned_data.get("email", ""))


class SetupForm(forms.Form):
    """Finish setting up an account: a password, or none (sign in by emailed link)."""

    password1 = forms.CharField(label="Choose a password", required=False, strip=False)
    password2 = forms.CharField(label="Type it again", required=False, strip=False)
    mode = forms.ChoiceField(choices=[("password", "password"), ("link", "link")], required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("mode") == "link":
            data["password"] = None
            return data
        password1, password2 = data.get("password1") or "", data.get("password2") or ""
        if not password1:
            self.add_error("password1", "Please choose a password, or continue without one.")
            return data
        if password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
            return data
        try:
            password_validation.validate_password(password1, self.user)
        except forms.ValidationError as exc:
            self.add_error("password1", exc)
            return data
        data["password"] = password1
        return data
