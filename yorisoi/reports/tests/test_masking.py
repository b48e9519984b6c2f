"""Small-cell protection over linked tables: every count from 1 to the threshold is masked,
and no masked quantity can be narrowed to fewer than threshold + 1 values from what is shown,
checked by an attacker written here independently of masking.py (scipy's linprog over the
shown values and the published relations)."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from yorisoi.reports.masking import EQ, LinkedTables, Place, PublicationRefused

LIMIT = 4


def attack(linked: LinkedTables, hidden: set) -> dict:
    """The interval of each hidden quantity an attacker derives from the rest (full LP over all
    hidden quantities at once, no decomposition)."""
    order = sorted(hidden, key=repr)
    index = {q: i for i, q in enumerate(order)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for relation in linked.relations:
        row = [0.0] * len(order)
        rhs = 0.0
        for q, c in relation.coefficients.items():
            if q in index:
                row[index[q]] += c
            else:
                rhs -= c * linked.values[q]
        if not any(row):
            continue
        (a_eq if relation.kind == EQ else a_ub).append(row)
        (b_eq if relation.kind == EQ else b_ub).append(rhs)
    out = {}
    for q in order:
        bounds = []
        for sign in (1, -1):
            c = [0.0] * len(order)
            c[index[q]] = sign
            result = linprog(
                c,
                A_eq=a_eq or None,
                b_eq=b_eq or None,
                A_ub=a_ub or None,
                b_ub=b_ub or None,
                bounds=(0, None),
                method="highs",
            )
            if result.status == 3:
                bounds.append(math.inf)
            else:
                assert result.status == 0, result.message
                bounds.append(sign * result.fun)
        low, high = bounds[0], bounds[1]
        out[q] = (math.ceil(low - 1e-6), high if math.isinf(high) else math.floor(high + 1e-6))
    return out


def assert_protected(linked: LinkedTables, hidden: set) -> None:
    for q, value in linked.values.items():
        if 1 <= value <= LIMIT:
            assert q in hidden, f"small value {value} at {q} shown"
    for q, (low, high) in attack(linked, hidden).items():
        assert high - low >= LIMIT + 1, f"{q} ({linked.values[q]}) narrowed to [{low}, {high}]"


def two_way(linked: LinkedTables, name: str, cells: list[list[int]], *, grand=None) -> None:
    """A table with row and column totals; `grand` names a grand total shared with others."""
    rows, cols = len(cells), len(cells[0])
    grand = grand or (name, "grand")
    for i in range(rows):
        for j in range(cols):
            linked.add((name, i, j), cells[i][j], Place(name, str(i), str(j)))
        linked.add((name, i, "total"), sum(cells[i]), Place(name, str(i), "total"))
        linked.add_sum([(name, i, j) for j in range(cols)], (name, i, "total"))
    for j in range(cols):
        column = sum(cells[i][j] for i in range(rows))
        linked.add((name, "total", j), column, Place(name, "total", str(j)))
        linked.add_sum([(name, i, j) for i in range(rows)], (name, "total", j))
    linked.add(grand, sum(map(sum, cells)), Place(name, "total", "total"), weight=3)
    linked.add_sum([(name, i, "total") for i in range(rows)], grand)
    linked.add_sum([(name, "total", j) for j in range(cols)], grand)


# Small counts are common in real tables: weight the values towards them.
counts = st.one_of(st.integers(0, 6), st.integers(0, 60), st.sampled_from([0, 0, 1, 2, 3, 4]))


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 5))
    cols = draw(st.integers(1, 4))
    return [[draw(counts) for _ in range(cols)] for _ in range(rows)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_masked_cell_of_a_two_way_table_can_be_narrowed(cells):
    linked = LinkedTables()
    two_way(linked, "t", cells)
    try:
        hidden = linked.protect(LIMIT)
    except PublicationRefused:
        return  # refusing is safe; publishing an unsafe table is not
    assert_protected(linked, hidden)
    assert linked.audit(LIMIT) == [] or hidden  # the exact system has nothing hidden


@st.composite
def linked_breakdowns(draw):
    """Several breakdowns of the same total, sharing one row (like 「ケースのない相談」)."""
    shared = draw(counts)
    breakdowns = []
    for _ in range(draw(st.integers(2, 4))):
        breakdowns.append(draw(st.lists(counts, min_size=1, max_size=6)))
    return shared, breakdowns


def build_breakdowns(shared: int, breakdowns: list[list[int]]) -> LinkedTables:
    """Every breakdown adds up to the same total: pad each so they agree."""
    total = max(sum(b) for b in breakdowns) + shared
    linked = LinkedTables()
    linked.add("total", total, Place("all", "total", "count"), weight=3)
    for k, rows in enumerate(breakdowns):
        rows = [*rows, total - shared - sum(rows)]
        for i, value in enumerate(rows):
            linked.add((k, i), value, Place(str(k), str(i), "count"))
        linked.add("shared", shared, Place(str(k), "shared", "count"), weight=1)
        linked.add_sum([*((k, i) for i in range(len(rows))), "shared"], "total")
    return linked


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_breakdowns())
def test_a_row_shared_by_several_tables_is_masked_in_all_or_none(data):
    shared, breakdowns = data
    linked = build_breakdowns(shared, breakdowns)
    try:
        hidden = linked.protect(LIMIT)
    except PublicationRefused:
        return
    assert_protected(linked, hidden)
    published = dict(linked.values)
    for q in hidden:
        published[q] = None
    audit = LinkedTables()
    for q, places in linked.places.items():
        for place in places:
            audit.add(q, published[q], place)
    audit.relations = linked.relations
    assert audit.audit(LIMIT) == []


def test_the_audit_finds_a_difference_across_tables():
    # The attack: 836 − 824 − 11 = 1, with 11 masked in one table but shown in another.
    linked = LinkedTables()
    linked.add("total", 836, Place("ward", "合計", "count"))
    linked.add("known_wards", 824, Place("ward", "区", "count"))
    linked.add("unknown", None, Place("ward", "不明", "count"))
    linked.add("no_case", None, Place("ward", "ケースのない相談", "count"))
    linked.add("no_case", 11, Place("newness", "ケースのない相談", "count"))
    linked.add_sum(["known_wards", "unknown", "no_case"], "total")
    problems = linked.audit(LIMIT)
    assert any("shown in one place, masked in another" in p for p in problems)
    assert any("recoverable as 1" in p for p in problems)


def test_a_lone_small_cell_takes_a_partner_wide_enough():
    linked = LinkedTables()
    for i, value in enumerate([3, 40, 12, 0]):
        linked.add(i, value, Place("t", str(i), "count"))
    linked.add("total", 55, Place("t", "total", "count"), weight=3)
    linked.add_sum(range(4), "total")
    hidden = linked.protect(LIMIT)
    assert hidden == {0, 2}
    assert_protected(linked, hidden)


def test_zero_is_shown_and_large_counts_stay():
    linked = LinkedTables()
    for i, value in enumerate([0, 40, 12]):
        linked.add(i, value, Place("t", str(i), "count"))
    linked.add("total", 52, Place("t", "total", "count"))
    linked.add_sum(range(3), "total")
    assert linked.protect(LIMIT) == set()


def test_the_threshold_comes_from_settings(settings):
    from yorisoi.reports.masking import threshold

    settings.YORISOI_SMALL_CELL_THRESHOLD = 9
    assert threshold() == 9
    linked = LinkedTables()
    for i, value in enumerate([5, 30, 30]):
        linked.add(i, value, Place("t", str(i), "count"))
    linked.add("total", 65, Place("t", "total", "count"), weight=3)
    linked.add_sum(range(3), "total")
    hidden = linked.protect()
    assert 0 in hidden and len(hidden) >= 2


def test_a_recovery_through_a_chain_of_rows_and_columns_is_prevented():
    linked = LinkedTables()
    two_way(linked, "t", [[3, 50, 7], [9, 2, 40], [30, 30, 30]])
    hidden = linked.protect(LIMIT)
    assert_protected(linked, hidden)


@pytest.mark.parametrize("persons", [1, 3])
def test_persons_never_exceeding_contacts_is_part_of_what_an_attacker_knows(persons):
    linked = LinkedTables()
    linked.add("count", 2, Place("t", "row", "count"))
    linked.add("persons", persons, Place("t", "row", "persons"))
    linked.add_at_most("persons", "count")
    hidden = {"persons"}
    _low, high = attack(linked, hidden)["persons"]
    assert high == 2
