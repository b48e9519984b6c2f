"""A request id sent by the client is used only when it looks like one (a proxy's id), so no
one can write arbitrary text into the audit log or the response headers through it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yorisoi.audit.models import AuditEvent


@pytest.mark.parametrize(
    "sent",
    ["<script>alert(1)</script>", "山田太郎 090-1234-5678", "a b", "x" * 65, "id;drop"],
)
def test_odd_request_ids_are_replaced(client, worker1, sent):
    client.force_login(worker1)
    response = client.get(reverse("people:search"), headers={"X-Request-ID": sent})
    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32


def test_a_proxys_request_id_is_kept_and_audited(client, worker1, center1):
    from yorisoi.cases.tests.factories import make_case

    case = make_case(worker1, center1)
    client.force_login(worker1)
    sent = "3f2a9c1e-7d4b-4c2a-9e1f-0a1b2c3d4e5f"
    response = client.get(reverse("cases:detail", args=[case.pk]), headers={"X-Request-ID": sent})
    assert response["X-Request-ID"] == sent
    assert AuditEvent.objects.filter(request_id=sent, action="view").exists()
