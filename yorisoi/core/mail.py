"""Email, sent in the background: a templated message in the recipient's language.

    from yorisoi.core.mail import staff_email_enqueue

    staff_email_enqueue(user=worker, template="cases/email/assigned", context={"case_id": 12})

renders `cases/email/assigned_subject.txt` and `cases/email/assigned.txt` (plain text, autoescape
off) under the recipient's language and sends them through Django's email backend (SMTP in
production, a file under var/mail/ in the demo, an in-memory outbox in tests).

Rules for what goes into a message (a mail leaves the system and stays in mailboxes):
- never a supported person's name, story or anything else from a record: say that something
  happened and link to the page, where access is checked and the view audited;
- the context is stored with the queued task, so it holds ids, short labels and preformatted
  times only (JSON: str, int, float, bool, None, lists and dicts of them).

Templates get `site_url` (settings.YORISOI_SITE_URL, to prefix `{% url %}`) and `recipient`
(the user, for staff email) besides the context.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.mail.backends import filebased
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

SENT = "sent"
SKIPPED = "skipped"


def _language(code: str | None) -> str:
    codes = {c for c, _label in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def render_email(*, template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """(subject, body) of `template` in `language`."""
    with translation.override(_language(language)):
        context = {"site_url": settings.YORISOI_SITE_URL, **context}
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    # A subject is one line; template line breaks must not become header injection.
    return " ".join(subject.split()), body.strip() + "\n"


@task()
def templated_email_send(
    *,
    template: str,
    context: dict[str, Any],
    user_id: int | None = None,
    to: str = "",
    language: str = "",
) -> str:
    """The task: to a member of staff (`user_id`: address and language read now, so a changed
    address or a deactivated account is respected) or to an address in `language`."""
    recipient = None
    if user_id is not None:
        recipient = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
        if recipient is None or not recipient.email:
            return SKIPPED
        to = recipient.email
        language = getattr(recipient, "language", "") or language
    if not to:
        return SKIPPED
    subject, body = render_email(
        template=template, context={**context, "recipient": recipient}, language=language
    )
    send_mail(subject, body, None, [to])
    return SENT


def staff_email_enqueue(*, user, template: str, context: dict[str, Any]):
    """Queue a message to a member of staff; nothing when they have no address or are inactive.

    Called inside a service's transaction, the queued task commits (or rolls back) with the
    change it reports. Returns the task result, or None when nothing was queued."""
    if not user.is_active or not user.email:
        return None
    return templated_email_send.enqueue(template=template, context=context, user_id=user.pk)


def email_enqueue(*, to: str, language: str, template: str, context: dict[str, Any]):
    """Queue a message to an address that belongs to no account (a family member, a partner)."""
    return templated_email_send.enqueue(
        template=template, context=context, to=to, language=_language(language)
    )


class ReadableFileBackend(filebased.EmailBackend):
    """The demo's mail: one file per sending under EMAIL_FILE_PATH (var/mail/), each message
    as sent (MIME, which encodes a Japanese subject), after its recipients and subject in plain
    text so it can be read in any text viewer."""

    def write_message(self, message) -> None:
        summary = f"To: {', '.join(message.recipients())}\nSubject: {message.subject}\n\n"
        self.stream.write(summary.encode())
        super().write_message(message)
