from __future__ import annotations

from datetime import date

import pytest

from yorisoi.cases.models import Consulter, HeardVia, Method
from yorisoi.people.models import AgeBand, Sex

from . import factories as f

YEAR = 2024  # 令和6年度: 2024-04-01 .. 2025-03-31


@pytest.fixture
def small_world(center1, center2, worker1, worker2):
    """Case work at both centers in 年度 2024, with one contact in 2023 for the comparison.

    center1: 山田 (named, male, 40s, 北区) 3 contacts, one the intake via the portal;
             an anonymous person (consulted by family) 2 contacts;
             a case-less agency consultation.
    center2: 佐藤 (named, female) 1 contact; and a person merged into 佐藤 with 1 contact.
    """
    yamada = f.person(
        "山田", sex=Sex.MALE, birth_date=date(1980, 6, 1), ward="北区", family_name_kana="やまだ"
    )
    anon = f.person("", sex=Sex.UNANSWERED, age_band=AgeBand.AGE_30S, ward="北区")
    sato = f.person("佐藤", sex=Sex.FEMALE, age_band=AgeBand.AGE_20S, ward="南区")
    sato_dup = f.person("佐藤（重複）", sex=Sex.FEMALE, ward="南区", merged_into=sato)
    c_yamada = f.case(yamada, center1, opened_on=date(2024, 4, 10), primary_worker=worker1)
    c_anon = f.case(anon, center1, opened_on=date(2023, 10, 1), primary_worker=worker1)
    c_sato = f.case(sato, center2, opened_on=date(2024, 5, 1))
    c_dup = f.case(sato_dup, center1, opened_on=date(2024, 6, 1))
    f.contact(
        c_yamada,
        when=f.at(date(2024, 4, 10)),
        user=worker1,
        is_intake=True,
        heard_via=HeardVia.PORTAL,
    )
    f.contact(c_yamada, when=f.at(date(2024, 5, 2)), user=worker1, method=Method.HOME_VISIT)
    f.contact(
        c_yamada, when=f.at(date(2025, 3, 31), 23, 59), user=worker1, consulter=Consulter.SELF
    )
    f.contact(c_anon, when=f.at(date(2023, 10, 1)), user=worker1, is_intake=True)
    f.contact(c_anon, when=f.at(date(2024, 7, 1)), user=worker1, method=Method.LINE)
    f.contact(c_anon, when=f.at(date(2024, 8, 1)), user=worker1)
    f.contact(
        None,
        center=center1,
        when=f.at(date(2024, 9, 1)),
        user=worker1,
        consulter=Consulter.AGENCY,
        method=Method.INTER_AGENCY,
    )
    f.contact(c_sato, when=f.at(date(2024, 5, 1)), user=worker2, is_intake=True)
    f.contact(c_dup, when=f.at(date(2024, 6, 1)), user=worker1, is_intake=True)
    # Outside the year: the first instant of the next one.
    f.contact(c_yamada, when=f.at(date(2025, 4, 1), 0, 0), user=worker1)
    return {
        "yamada": c_yamada,
        "anon": c_anon,
        "sato": c_sato,
        "dup": c_dup,
    }
