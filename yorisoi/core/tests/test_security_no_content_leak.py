"""No page shows a person's name, phone or case content to a user who may not see the case.

A sweep over every URL the project serves (from the resolver), for each role that holds no
right to the center-1 case: the admin without break-glass, staff of the other center, a peer
supporter, a partner-agency user and an analyst.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from yorisoi.cases.models import Contact, PlanVersion
from yorisoi.core.tests.test_security_csrf import _url
from yorisoi.people.models import HouseholdMember, Person
from yorisoi.tests.test_access_matrix import served_url_names, world  # noqa: F401

SECRETS = {
    "family_name": "漏洩",
    "given_name": "禁止子",
    "nickname": "ろうえいさん",
    "phone": "090-5555-6666",
}
CONTENT = ["漏洩", "禁止子", "ろうえいさん", "まとりくす", "5555", "ひきこもって十年", "夜だけ外出"]
EXPORT_KINDS = ("csv", "xlsx", "pdf")


@pytest.fixture
def content(world):  # noqa: F811
    users, kwargs = world
    person = Person.objects.get(pk=kwargs["person_id"])
    for name, value in SECRETS.items():
        setattr(person, name, value)
    person.save()
    HouseholdMember.objects.filter(pk=kwargs["member_id"]).update(name="漏洩 母")
    Contact.objects.filter(pk=kwargs["contact_id"]).update(summary="ひきこもって十年")
    PlanVersion.objects.filter(case_id=kwargs["case_id"]).update(goals="夜だけ外出")
    return users, kwargs


@pytest.mark.parametrize("role", ["admin", "manager2", "worker2", "peer1", "partner1", "analyst1"])
def test_no_page_shows_the_case_to_a_stranger(client, content, role):
    users, kwargs = content
    client.force_login(users[role])
    urls = [_url(name, kwargs) for name in served_url_names()]
    urls += [f"/reports/export/{kind}/" for kind in EXPORT_KINDS]
    urls += ["/people/?q=ろうえい", "/people/?q=09055556666", "/cases/?q=ろうえい"]
    urls += ["/people/duplicates/?family_name=漏洩&given_name=禁止子&phone=09055556666"]
    urls += ["/cases/intake/duplicates/?person-phone=09055556666"]
    leaks = []
    for url in urls:
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/") or response.status_code == 200:
            body = response.content.decode(errors="replace")
            # A search page echoes what was typed; that is not a leak.
            leaks += [(url, t) for t in CONTENT if t in body and t not in unquote(url)]
    assert leaks == []


def test_the_sweep_can_find_content(client, content):
    users, kwargs = content
    client.force_login(users["worker1"])
    body = client.get(f"/cases/{kwargs['case_id']}/").content.decode()
    assert "禁止子" in body and "ひきこもって十年" in body
