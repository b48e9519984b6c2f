"""Two workers of two centers take a call about a person known at one center, for the other
center, at the same moment: one case is opened there, and both calls are on it (the second
worker joins as secondary), never an error.

On PostgreSQL the two intakes run in parallel threads, each in its own transaction; without a
lock on the person both would insert the case and the second would fail on the one-case-per-
person-and-center constraint. SQLite's IMMEDIATE transactions let only one writer in at a time
(and its in-memory test database cannot be shared by threads), so there the calls run one after
the other and the test checks the same outcome.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from yorisoi.accounts.models import Role
from yorisoi.cases import services
from yorisoi.cases.models import Case, Consulter, Method
from yorisoi.conftest import make_user

from .factories import make_case


@pytest.mark.django_db(transaction=True)
def test_simultaneous_intakes_for_one_person_share_one_case(worker2, center1, center2):
    person = make_case(worker2, center2).person
    first, second = (
        make_user(name, (center1, Role.WORKER), (center2, Role.WORKER))
        for name in ("both1", "both2")
    )
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def take_call(user, parallel: bool) -> None:
        try:
            if parallel:
                start.wait(timeout=10)
            services.intake_record(
                user=user,
                center=center1,
                person=person,
                consulter=Consulter.FAMILY,
                consulter_relationship="mother",
                method=Method.PHONE,
                summary=f"{user.username}が受けた電話",
                submission_token=f"token-{user.username}",
            )
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            if parallel:
                connection.close()

    if connection.vendor == "sqlite":
        take_call(first, parallel=False)
        take_call(second, parallel=False)
    else:
        threads = [threading.Thread(target=take_call, args=(u, True)) for u in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert not errors, errors
    case = Case.objects.get(person=person, center=center1)
    assert sorted(case.contacts.values_list("summary", flat=True)) == [
        "both1が受けた電話",
        "both2が受けた電話",
    ]
    workers = {case.primary_worker.username, *(w.username for w in case.secondary_workers.all())}
    assert workers == {"both1", "both2"}
