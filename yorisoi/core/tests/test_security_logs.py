"""The application's logs never carry a person's name, phone number or notes."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

NAME = "記録太郎"
KANA = "きろくたろう"
PHONE = "090-2468-1357"
NOTE = "母への暴力があった"


def test_case_work_leaves_no_personal_data_in_the_logs(client, worker1, worker2, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(worker1)
    when = (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("cases:intake"),
        {
            "center": worker1.memberships.get().center_id,
            "consulter": "family",
            "consulter_relationship": "mother",
            "method": "phone",
            "occurred_at": when,
            "note": NOTE,
            "submission_token": "log-token",
            "person-family_name": NAME[:2],
            "person-given_name": NAME[2:],
            "person-family_name_kana": KANA,
            "person-phone": PHONE,
            "person-age_band": "unknown",
            "person-sex": "unanswered",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case_url = response["Location"]
    client.get(case_url)
    client.get(reverse("people:search"), {"q": KANA})
    client.get(reverse("people:search"), {"q": PHONE})
    client.force_login(worker2)
    assert client.get(case_url).status_code == 404
    client.get(reverse("people:duplicates"), {"family_name_kana": KANA, "phone": PHONE})
    text = caplog.text
    for value in (NAME, NAME[:2], KANA, PHONE, "24681357", NOTE):
        assert value not in text, value
