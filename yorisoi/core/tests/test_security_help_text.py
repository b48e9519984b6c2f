"""Help text under a form field is escaped unless the code marked it safe.

Some help texts come from data (an assessment instrument definition a manager uploads), so the
shared field template must not render them raw; Django's own safe HTML (the password rules
list) still renders as HTML.
"""

from __future__ import annotations

from django import forms
from django.utils.safestring import mark_safe

from yorisoi.accounts.forms import PasswordChangeForm


class _DataForm(forms.Form):
    answer = forms.CharField(label="回答", help_text="<script>alert(1)</script>説明")
    trusted = forms.CharField(label="信頼", help_text=mark_safe("<em>強調</em>"))


def test_help_text_from_data_is_escaped():
    html = str(_DataForm()["answer"].as_field_group())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;説明" in html


def test_help_text_marked_safe_by_the_code_stays_html():
    html = str(_DataForm()["trusted"].as_field_group())
    assert "<em>強調</em>" in html


def test_password_rules_still_render_as_a_list(admin_user):
    html = str(PasswordChangeForm(admin_user)["new_password1"].as_field_group())
    assert "<ul>" in html and "&lt;ul&gt;" not in html
