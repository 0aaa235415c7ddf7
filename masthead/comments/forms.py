"""Parsing the comment forms. What is allowed is decided in services.py."""

from __future__ import annotations

from django import forms

from .models import CommentReport


class CommentForm(forms.Form):
    body = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    parent = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    display_name = forms.CharField(required=False, max_length=60)
    notify_replies = forms.BooleanField(required=False)


class EditForm(forms.Form):
    body = forms.CharField(required=False, strip=False, widget=forms.Textarea)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are reporting this comment."},
    )
    note = forms.CharField(required=False, max_length=500, widget=forms.Textarea)
