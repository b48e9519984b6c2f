import pytest

from yorisoi.cases.tests.factories import make_case

from .factories import link_partner, make_agency


@pytest.fixture
def agency(partner1):
    """An employment-support agency partner1 works for."""
    agency = make_agency("しごとサポートみなと")
    link_partner(partner1, agency)
    return agency


@pytest.fixture
def other_agency(db):
    return make_agency("こころの診療所", kind="medical")


@pytest.fixture
def case_c1(worker1, center1):
    """A case at center 1 held by worker1, with a named, reachable person."""
    return make_case(
        worker1,
        center1,
        person_data={
            "family_name": "山田",
            "given_name": "太郎",
            "family_name_kana": "やまだ",
            "given_name_kana": "たろう",
            "phone": "090-1111-2222",
            "age_band": "30s",
        },
    )
