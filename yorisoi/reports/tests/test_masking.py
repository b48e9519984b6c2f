"""Small-cell protection: every count from 1 to the threshold is masked, and no masked value
can be worked out from the shown values and the row and column totals."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yorisoi.reports.masking import Table, protect, protect_column

LIMIT = 4


def rank(rows: list[list[Fraction]]) -> int:
    """Rank by plain Gaussian elimination (written independently of masking.py)."""
    m = [list(r) for r in rows if any(r)]
    if not m:
        return 0
    width = len(m[0])
    r = 0
    for c in range(width):
        pivot = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                factor = m[i][c] / m[r][c]
                m[i] = [a - factor * b for a, b in zip(m[i], m[r], strict=True)]
        r += 1
        if r == len(m):
            break
    return r


def system(table: Table, masked: list) -> list[list[Fraction]]:
    """The published equations as rows over the masked positions only."""
    return [[Fraction(eq.get(p, 0)) for p in masked] for eq in table.equations()]


def uniquely_determined(table: Table, masked: set, position) -> bool:
    """A masked value is pinned down by the margins exactly when dropping its column leaves
    the rank unchanged minus one (the null space then has no freedom in it)."""
    order = sorted(masked)
    full = system(table, order)
    k = order.index(position)
    without = [row[:k] + row[k + 1 :] for row in full]
    return rank(full) == rank(without) + 1


def check(table: Table, masked: set) -> None:
    for position in table.positions():
        value = table.value(position)
        if 1 <= value <= LIMIT:
            assert position in masked, f"small value {value} at {position} shown"
    for position in masked:
        assert not uniquely_determined(table, masked, position), (
            f"{position} ({table.value(position)}) can be recovered from the margins"
        )


def full_table(cells: list[list[int]]) -> Table:
    return Table(
        cells=cells,
        row_totals=[sum(r) for r in cells],
        col_totals=[sum(c) for c in zip(*cells, strict=True)],
        grand_total=sum(map(sum, cells)),
    )


# Small counts are common in real tables: weight the values towards them.
counts = st.one_of(st.integers(0, 6), st.integers(0, 60), st.sampled_from([0, 0, 1, 2, 3, 4]))


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 6))
    cols = draw(st.integers(1, 5))
    cells = [[draw(counts) for _ in range(cols)] for _ in range(rows)]
    return full_table(cells)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_masked_cell_of_a_two_way_table_can_be_recovered(table):
    check(table, protect(table, LIMIT))


@settings(max_examples=300, deadline=None)
@given(st.lists(counts, min_size=1, max_size=14))
def test_no_masked_row_of_a_breakdown_column_can_be_recovered(values):
    total = sum(values)
    table = Table(cells=[[v] for v in values], col_totals=[total])
    check(table, protect(table, LIMIT))
    rows, total_masked = protect_column(values, total, LIMIT)
    assert {p[1] for p in protect(table, LIMIT) if p[0] == "cell"} == rows
    masked_count = len(rows) + total_masked
    assert masked_count == 0 or masked_count >= 2


def test_a_lone_small_cell_takes_the_smallest_other_cell_with_it():
    rows, total_masked = protect_column([3, 40, 12, 0], 55, LIMIT)
    assert rows == {0, 2}
    assert not total_masked


def test_zero_is_shown_and_large_counts_stay():
    rows, total_masked = protect_column([0, 40, 12], 52, LIMIT)
    assert rows == set() and not total_masked


def test_a_small_total_is_masked_with_its_cells():
    rows, total_masked = protect_column([2, 0, 1], 3, LIMIT)
    assert rows == {0, 2} and total_masked


def test_the_threshold_comes_from_settings(settings):
    from yorisoi.reports.masking import threshold

    settings.YORISOI_SMALL_CELL_THRESHOLD = 9
    assert threshold() == 9
    assert protect_column([5, 30, 30], 65)[0] == {0, 1}


def test_a_recovery_through_a_chain_of_rows_and_columns_is_prevented():
    # Two small cells in one row and one column each: masking them alone would leave the
    # rectangle's fourth corner to be derived; the check must see through that.
    table = full_table([[3, 50, 7], [9, 2, 40], [30, 30, 30]])
    masked = protect(table, LIMIT)
    check(table, masked)
