"""Small-cell protection for published tables (秘匿処理).

Primary suppression masks every count from 1 to the threshold (default 4, setting
YORISOI_SMALL_CELL_THRESHOLD). Secondary suppression then masks further cells until no masked
value can be worked out from what is shown: a published table states that each row and column
adds up to its total, so a masked cell alone in its row could be recovered by subtraction, and
so could cells linked through chains of rows and columns. A masked value is recoverable exactly
when the unit vector of its position lies in the row space of those equations restricted to
the masked positions; `recoverable` tests that by exact (fraction) elimination, and secondary
suppression adds the cheapest cell that breaks each recovery until none is left.

Secondary cells are chosen among interior cells first (the smallest non-zero value, then
zeros), and totals only when nothing else helps, because a total is usually published in other
tables too (the same grand total heads every breakdown) and masking it here would protect
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings

# A position in a table: ("cell", i, j), ("row", i) for row i's total, ("col", j) for column
# j's total, ("grand",) for the grand total.
Position = tuple


def threshold() -> int:
    return int(getattr(settings, "YORISOI_SMALL_CELL_THRESHOLD", 4))


@dataclass
class Table:
    """Counts with the margins that are published beside them."""

    cells: list[list[int]]
    row_totals: list[int] | None = None
    col_totals: list[int] | None = None
    grand_total: int | None = None

    def value(self, position: Position) -> int:
        kind = position[0]
        if kind == "cell":
            return self.cells[position[1]][position[2]]
        if kind == "row":
            return self.row_totals[position[1]]
        if kind == "col":
            return self.col_totals[position[1]]
        return self.grand_total

    def positions(self) -> list[Position]:
        out: list[Position] = [
            ("cell", i, j) for i, row in enumerate(self.cells) for j in range(len(row))
        ]
        if self.row_totals is not None:
            out += [("row", i) for i in range(len(self.row_totals))]
        if self.col_totals is not None:
            out += [("col", j) for j in range(len(self.col_totals))]
        if self.grand_total is not None:
            out.append(("grand",))
        return out

    def equations(self) -> list[dict[Position, int]]:
        """Each published additive relation as {position: coefficient} summing to zero."""
        n_rows = len(self.cells)
        n_cols = len(self.cells[0]) if self.cells else 0
        eqs: list[dict[Position, int]] = []
        if self.row_totals is not None:
            for i in range(n_rows):
                eq = {("cell", i, j): 1 for j in range(n_cols)}
                eq[("row", i)] = -1
                eqs.append(eq)
            if self.grand_total is not None:
                eq = {("row", i): 1 for i in range(n_rows)}
                eq[("grand",)] = -1
                eqs.append(eq)
        if self.col_totals is not None:
            for j in range(n_cols):
                eq = {("cell", i, j): 1 for i in range(n_rows)}
                eq[("col", j)] = -1
                eqs.append(eq)
            if self.grand_total is not None:
                eq = {("col", j): 1 for j in range(n_cols)}
                eq[("grand",)] = -1
                eqs.append(eq)
        return eqs


def is_small(value: int, limit: int) -> bool:
    return 1 <= value <= limit


def _reduced_rows(eqs: list[dict[Position, int]], masked: list[Position]) -> list[dict]:
    """Reduced row echelon form of the equations restricted to the masked positions."""
    index = {p: k for k, p in enumerate(masked)}
    rows = []
    for eq in eqs:
        row = {index[p]: Fraction(c) for p, c in eq.items() if p in index and c}
        if row:
            rows.append(row)
    pivots: list[tuple[int, dict]] = []
    for row in rows:
        for col, prow in pivots:
            factor = row.get(col)
            if factor:
                for k, v in prow.items():
                    new = row.get(k, 0) - factor * v
                    if new:
                        row[k] = new
                    else:
                        row.pop(k, None)
        if not row:
            continue
        col = min(row)
        lead = row[col]
        row = {k: v / lead for k, v in row.items()}
        for i, (pcol, prow) in enumerate(pivots):
            factor = prow.get(col)
            if factor:
                for k, v in row.items():
                    new = prow.get(k, 0) - factor * v
                    if new:
                        prow[k] = new
                    else:
                        prow.pop(k, None)
                pivots[i] = (pcol, prow)
        pivots.append((col, row))
    return [prow for _col, prow in pivots]


def recoverable(table: Table, masked: Iterable[Position]) -> list[Position]:
    """Masked positions whose value follows exactly from the shown values and the margins."""
    masked = sorted(set(masked))
    reduced = _reduced_rows(table.equations(), masked)
    return [masked[next(iter(row))] for row in reduced if len(row) == 1]


def _cost(table: Table, position: Position) -> tuple:
    value = table.value(position)
    rank = {"cell": 0, "row": 1, "col": 1, "grand": 2}[position[0]]
    return (rank, value == 0, value, position)


def protect(table: Table, limit: int | None = None) -> set[Position]:
    """The positions to mask: every small count, and enough others that none can be worked
    out from the rest of the table."""
    limit = threshold() if limit is None else limit
    masked = {p for p in table.positions() if is_small(table.value(p), limit)}
    if not masked:
        return masked
    eqs = table.equations()
    while True:
        exposed = recoverable(table, masked)
        if not exposed:
            return masked
        target = exposed[0]
        # Prefer a partner in an equation of the exposed cell; any equation touching a masked
        # cell otherwise (the recovery may run through a chain).
        candidates = {p for eq in eqs if target in eq for p in eq if p not in masked}
        if not candidates:
            candidates = {
                p for eq in eqs if any(q in masked for q in eq) for p in eq if p not in masked
            }
        if not candidates:  # everything related is masked already; nothing more can help
            return masked
        masked.add(min(candidates, key=lambda p: _cost(table, p)))


def protect_column(values: list[int], total: int, limit: int | None = None) -> tuple[set, bool]:
    """Mask a breakdown column (rows that add up to a published total).

    Returns (indexes of masked rows, whether the total is masked).
    """
    table = Table(cells=[[v] for v in values], col_totals=[total])
    masked = protect(table, limit)
    rows = {p[1] for p in masked if p[0] == "cell"}
    return rows, ("col", 0) in masked
