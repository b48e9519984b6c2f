import pytest

from .factories import make_case


@pytest.fixture
def case_c1(worker1, center1):
    """A case at center 1 held by worker1 (worker1b is a colleague without assignment)."""
    return make_case(worker1, center1)


@pytest.fixture
def case_c2(worker2, center2):
    return make_case(worker2, center2)
