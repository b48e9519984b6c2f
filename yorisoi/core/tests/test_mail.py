"""The shared email helper: a templated message in the recipient's language, sent by a task, to
staff with an address only; subjects stay one line."""

from __future__ import annotations

import copy

import pytest
from django.core import mail

from yorisoi.core.mail import SENT, SKIPPED, email_enqueue, staff_email_enqueue

pytestmark = pytest.mark.django_db

SUBJECT = (
    '{% load i18n %}{% autoescape off %}{% translate "ホーム" %}: {{ title }}{% endautoescape %}'
)
BODY = (
    "{% load i18n %}{% autoescape off %}{{ recipient.label }} / {{ title }} / "
    '{{ site_url }}{% url "core:home" %} / {% translate "ログアウト" %}{% endautoescape %}'
)


@pytest.fixture
def templates(settings, tmp_path):
    folder = tmp_path / "probe"
    folder.mkdir()
    (folder / "notice_subject.txt").write_text(SUBJECT)
    (folder / "notice.txt").write_text(BODY)
    engines = copy.deepcopy(settings.TEMPLATES)
    engines[0]["DIRS"] = [tmp_path]
    settings.TEMPLATES = engines
    settings.YORISOI_SITE_URL = "https://yorisoi.example.org"
    return "probe/notice"


def test_staff_mail_is_sent_in_japanese_by_default(templates, worker1):
    worker1.email = "worker1@example.org"
    worker1.save()
    result = staff_email_enqueue(user=worker1, template=templates, context={"title": "A & B"})
    assert result.return_value == SENT
    [message] = mail.outbox
    assert message.to == ["worker1@example.org"]
    assert message.subject == "ホーム: A & B"  # plain text: nothing escaped
    assert message.body == "worker1 / A & B / https://yorisoi.example.org/ / ログアウト\n"
    assert message.from_email == "Yorisoi <noreply@localhost>"


def test_staff_mail_follows_the_recipients_language(templates, worker1):
    worker1.email = "worker1@example.org"
    worker1.language = "en"
    worker1.save()
    staff_email_enqueue(user=worker1, template=templates, context={"title": "x"})
    assert mail.outbox[0].subject == "Home: x"
    assert mail.outbox[0].body.endswith("/ Sign out\n")


def test_staff_without_an_address_or_inactive_get_nothing(templates, worker1, worker1b):
    assert staff_email_enqueue(user=worker1, template=templates, context={"title": "x"}) is None
    worker1b.email = "gone@example.org"
    worker1b.is_active = False
    worker1b.save()
    assert staff_email_enqueue(user=worker1b, template=templates, context={"title": "x"}) is None
    assert mail.outbox == []


def test_the_address_is_read_when_the_task_runs(templates, worker1):
    from yorisoi.core.mail import templated_email_send

    # Queued while the address was set, removed before the worker got to it.
    result = templated_email_send.enqueue(
        template=templates, context={"title": "x"}, user_id=worker1.pk
    )
    assert result.return_value == SKIPPED
    assert mail.outbox == []


def test_a_subject_with_line_breaks_stays_one_line(templates, worker1):
    worker1.email = "worker1@example.org"
    worker1.save()
    staff_email_enqueue(user=worker1, template=templates, context={"title": "a\r\nBcc: x@y"})
    assert mail.outbox[0].subject == "ホーム: a Bcc: x@y"
    assert mail.outbox[0].message()["Bcc"] is None


def test_mail_to_an_address_in_a_given_language(templates):
    result = email_enqueue(
        to="family@example.org", language="en", template=templates, context={"title": "x"}
    )
    assert result.return_value == SENT
    assert mail.outbox[0].to == ["family@example.org"]
    assert mail.outbox[0].subject == "Home: x"


def test_the_context_must_be_json(templates, worker1):
    from datetime import datetime

    worker1.email = "worker1@example.org"
    worker1.save()
    with pytest.raises(TypeError):
        staff_email_enqueue(user=worker1, template=templates, context={"at": datetime.now()})
