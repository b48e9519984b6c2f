"""Small-cell protection for published figures (秘匿処理) across linked tables, and the audit
that proves it.

Everything one publication shows (every table of the statistics page in 公表用, the CSV, the
XLSX, the PDF, the previous-year columns and the monthly trend) is one set of linked tables: the
same quantity (the year's contacts, the contacts without a case, the intakes) appears in
several of them, and each table states that its rows add up to its total. So protection is
decided once over the whole set, on quantities rather than on printed cells: a quantity that
is masked is masked everywhere it appears.

`LinkedTables` holds the quantities (each with its exact value, or None where a publication
masks it) and the relations an attacker knows: equalities (rows add up to a total) and
inequalities (実人数 never exceeds 延べ件数; a row's persons never exceed the total's; rows
whose persons may overlap add up to at least the total). `intervals` finds, by linear
programming (the HiGHS solver, through highspy), the smallest and largest value a masked
quantity can take given every shown value and every relation; `protect` masks every count from
1 to the threshold and then further quantities until each masked one ranges over at least
threshold + 1 values; `audit` checks a finished publication: no small value shown, no quantity
shown in one place and masked in another, and no masked quantity pinned to a value or
confined to an interval narrower than threshold + 1.

The LP relaxation gives outer bounds of the integer ones; the bounds are rounded inwards to
whole numbers, and for these tables (sums over rows and columns) the LP bounds are integral.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.conf import settings

Quantity = Hashable
EQ, LE = "eq", "le"  # sum(coef * q) == 0, sum(coef * q) <= 0
# Further masks tried, cheapest first, when a masked quantity is not yet safe.
MAX_TRIALS = 60


def threshold() -> int:
    return int(getattr(settings, "YORISOI_SMALL_CELL_THRESHOLD", 4))


def is_small(value: int | None, limit: int) -> bool:
    return value is not None and 1 <= value <= limit


class PublicationRefused(Exception):
    """The figures cannot be published safely; `violations` says why (for the log)."""

    def __init__(self, violations: list[str]):
        self.violations = violations
        super().__init__("; ".join(violations[:5]))


@dataclass
class Relation:
    coefficients: dict[Quantity, int]
    kind: str = EQ  # EQ or LE, against 0


@dataclass
class Place:
    """Where a quantity is printed: a table, a row and a column, for messages."""

    table: str
    row: str
    column: str

    def __str__(self) -> str:
        return f"{self.table} / {self.row} / {self.column}"


@dataclass
class Interval:
    low: float
    high: float  # math.inf when nothing bounds it

    @property
    def width(self) -> float:
        return self.high - self.low

    def safe(self, limit: int) -> bool:
        """Wide enough: at least limit + 1 between the bounds, and never pinned."""
        return self.width >= limit + 1


@dataclass
class LinkedTables:
    values: dict[Quantity, int | None] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    places: dict[Quantity, list[Place]] = field(default_factory=dict)
    # Quantities printed with a value in one place and masked in another (audit only).
    conflicts: list[str] = field(default_factory=list)
    # Per quantity, how widely it is published (a total heading many tables costs more to
    # mask than a row of one table).
    weight: dict[Quantity, int] = field(default_factory=dict)

    # -- building ----------------------------------------------------------------------------

    def add(self, quantity: Quantity, value: int | None, place: Place, *, weight: int = 0) -> None:
        places = self.places.setdefault(quantity, [])
        if quantity in self.values:
            known = self.values[quantity]
            if (known is None) != (value is None) or (
                known is not None and value is not None and known != value
            ):
                shown = [str(p) for p in places]
                self.conflicts.append(f"{place}: {value!r} but {known!r} at {', '.join(shown[:3])}")
                # What is shown anywhere is known: the attacker uses it everywhere.
                if known is None:
                    self.values[quantity] = value
        else:
            self.values[quantity] = value
        places.append(place)
        self.weight[quantity] = max(self.weight.get(quantity, 0), weight)

    def relate(self, coefficients: dict[Quantity, int], kind: str = EQ) -> None:
        coefficients = {q: c for q, c in coefficients.items() if c}
        if coefficients:
            self.relations.append(Relation(coefficients, kind))

    def add_sum(self, parts: Iterable[Quantity], total: Quantity, *, exact: bool = True) -> None:
        """sum(parts) == total, or, where one unit may count in several parts, >= total."""
        coefficients: dict[Quantity, int] = {}
        for q in parts:
            coefficients[q] = coefficients.get(q, 0) + 1
        coefficients[total] = coefficients.get(total, 0) - 1
        if exact:
            self.relate(coefficients, EQ)
        else:
            self.relate({q: -c for q, c in coefficients.items()}, LE)

    def add_at_most(self, part: Quantity, whole: Quantity) -> None:
        if part != whole:
            self.relate({part: 1, whole: -1}, LE)

    # -- the attacker's view -------------------------------------------------------------------

    def fingerprint(self, limit: int) -> str:
        digest = hashlib.sha256(str(limit).encode())
        for quantity in sorted(self.values, key=repr):
            digest.update(repr((quantity, self.values[quantity])).encode())
        for relation in self.relations:
            digest.update(
                repr((sorted(relation.coefficients.items(), key=repr), relation.kind)).encode()
            )
        return digest.hexdigest()

    def intervals(self, hidden: set[Quantity], wanted: Iterable[Quantity]) -> dict:
        """For each wanted hidden quantity, the interval an attacker derives from every other
        quantity's value (those not in `hidden`) and every relation."""
        return _Solver(self, hidden).intervals(wanted)

    def protect(self, limit: int | None = None) -> set[Quantity]:
        """The quantities to mask: every value from 1 to the limit, and enough others that no
        masked quantity is confined to fewer than limit + 1 values. PublicationRefused when no
        choice of further masks achieves that."""
        limit = threshold() if limit is None else limit
        hidden = {q for q, v in self.values.items() if is_small(v, limit)}
        queue = sorted(hidden, key=repr)
        checked: set[Quantity] = set()
        while queue:
            quantity = queue.pop(0)
            if quantity in checked:
                continue
            solver = _Solver(self, hidden)
            found = solver.interval(quantity)
            if found.safe(limit):
                checked.add(quantity)
                continue
            extra = self._cheapest_partner(quantity, hidden, limit)
            if extra is None:
                where = self.places[quantity][0]
                raise PublicationRefused(
                    [f"{where}: no further mask widens [{found.low:g}, {found.high:g}]"]
                )
            hidden.add(extra)
            # Masking more only widens every interval, so what was safe stays safe: check
            # this quantity again and the new one, nothing else.
            queue[:0] = [quantity, extra]
        return hidden

    def _cheapest_partner(self, quantity, hidden, limit) -> Quantity | None:
        """The cheapest further quantity to mask so that `quantity` becomes safe; when no
        single one does, the one that widens it most. Candidates are the shown quantities
        sharing a relation with the hidden ones linked to `quantity`, tried by solving."""
        group, _rows = _Solver(self, hidden)._group(quantity)
        candidates = set()
        members = set(group)
        for relation in self.relations:
            if members.intersection(relation.coefficients):
                candidates.update(q for q in relation.coefficients if q not in hidden)
        ordered = sorted(
            candidates,
            key=lambda q: (self.weight.get(q, 0), self.values[q] == 0, self.values[q], repr(q)),
        )
        best, best_width = None, _Solver(self, hidden).interval(quantity).width
        for candidate in ordered[:MAX_TRIALS]:
            width = _Solver(self, hidden | {candidate}).interval(quantity).width
            if width >= limit + 1:
                return candidate
            if width > best_width:
                best, best_width = candidate, width
        if best is None and ordered:
            # No single mask widens it (the recovery runs along two paths at once): mask the
            # cheapest partner in one of its own equalities and look again.
            own = {
                q
                for relation in self.relations
                if relation.kind == EQ and quantity in relation.coefficients
                for q in relation.coefficients
                if q not in hidden
            }
            best = next((q for q in ordered if q in own), ordered[0])
        return best

    def audit(self, limit: int | None = None) -> list[str]:
        """Every reason the publication is unsafe; empty when it may be published."""
        limit = threshold() if limit is None else limit
        problems = [f"shown in one place, masked in another: {c}" for c in self.conflicts]
        hidden = {q for q, v in self.values.items() if v is None}
        for quantity, value in self.values.items():
            if is_small(value, limit):
                problems.append(f"{self.places[quantity][0]}: small value {value} shown")
        found = self.intervals(hidden, sorted(hidden, key=repr))
        for quantity, interval in found.items():
            if interval.safe(limit):
                continue
            where = self.places[quantity][0]
            if interval.low == interval.high:
                problems.append(f"{where}: recoverable as {interval.low:g}")
            else:
                problems.append(
                    f"{where}: confined to [{interval.low:g}, {interval.high:g}], "
                    f"narrower than {limit + 1}"
                )
        return problems


class _Solver:
    """The LP over the hidden quantities, the shown ones moved to the right-hand side.

    Hidden quantities that share no relation cannot inform each other, so each one's interval
    comes from the LP over its own connected group only: a quantity alone in its group is
    bounded by arithmetic, and the rest by small LPs (HiGHS), which keeps a whole publication's
    audit to a fraction of a second.
    """

    def __init__(self, tables: LinkedTables, hidden: set[Quantity]):
        self.hidden = hidden
        self._models: dict[tuple, _Model] = {}
        self.rows: list[tuple[dict[Quantity, int], float, str]] = []
        self.by_quantity: dict[Quantity, list[int]] = {}
        for relation in tables.relations:
            row: dict[Quantity, int] = {}
            constant = 0
            for q, c in relation.coefficients.items():
                if q in hidden:
                    row[q] = row.get(q, 0) + c
                else:
                    constant += c * (tables.values[q] or 0)
            row = {q: c for q, c in row.items() if c}
            if not row:
                continue
            index = len(self.rows)
            self.rows.append((row, float(-constant), relation.kind))
            for q in row:
                self.by_quantity.setdefault(q, []).append(index)

    def _group(self, quantity: Quantity) -> tuple[list[Quantity], list[int]]:
        seen, rows, stack = {quantity}, set(), [quantity]
        while stack:
            q = stack.pop()
            for index in self.by_quantity.get(q, []):
                if index in rows:
                    continue
                rows.add(index)
                for p in self.rows[index][0]:
                    if p not in seen:
                        seen.add(p)
                        stack.append(p)
        return sorted(seen, key=repr), sorted(rows)

    def interval(self, quantity: Quantity) -> Interval:
        members, rows = self._group(quantity)
        if len(members) == 1:
            return self._alone(quantity, rows)
        return self._lp(quantity, members, rows)

    def _alone(self, quantity: Quantity, rows: list[int]) -> Interval:
        low, high = 0.0, math.inf
        for index in rows:
            coefficients, rhs, kind = self.rows[index]
            c = coefficients[quantity]
            bound = rhs / c
            if kind == EQ:
                low, high = max(low, bound), min(high, bound)
            elif c > 0:
                high = min(high, bound)
            else:
                low = max(low, bound)
        if low > high + 1e-9:
            return Interval(0.0, 0.0)  # contradictory figures: treat as pinned (refused)
        return _rounded(low, high)

    def _lp(self, quantity: Quantity, members: list[Quantity], rows: list[int]) -> Interval:
        key = (members[0], len(members))
        model = self._models.get(key)
        if model is None:
            model = self._models[key] = _Model(members, [self.rows[i] for i in rows])
        return model.interval(quantity)

    def intervals(self, wanted: Iterable[Quantity]) -> dict[Quantity, Interval]:
        return {q: self.interval(q) for q in wanted}


class _Model:
    """One group's LP in HiGHS: built once, then minimised and maximised for each member, each
    solve starting from the last one's basis (a fraction of a millisecond each)."""

    def __init__(self, members: list[Quantity], rows: list[tuple[dict, float, str]]):
        import highspy
        import numpy as np

        self.position = {q: i for i, q in enumerate(members)}
        n = len(members)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = len(rows)
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, highspy.kHighsInf)
        lp.row_lower_ = np.array(
            [rhs if kind == EQ else -highspy.kHighsInf for _r, rhs, kind in rows]
        )
        lp.row_upper_ = np.array([rhs for _r, rhs, _kind in rows])
        columns: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        for r, (coefficients, _rhs, _kind) in enumerate(rows):
            for q, c in coefficients.items():
                columns[self.position[q]].append((r, float(c)))
        starts, indexes, values = [0], [], []
        for column in columns:
            for r, c in column:
                indexes.append(r)
                values.append(c)
            starts.append(len(indexes))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(indexes, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(values, dtype=float)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.passModel(lp)
        self.n = n
        self.indices = np.arange(n, dtype=np.int32)
        self.np = np
        self.status = highspy.HighsModelStatus

    def interval(self, quantity: Quantity) -> Interval:
        bounds = []
        for sign in (1.0, -1.0):
            cost = self.np.zeros(self.n)
            cost[self.position[quantity]] = sign
            self.highs.changeColsCost(self.n, self.indices, cost)
            self.highs.run()
            status = self.highs.getModelStatus()
            if status == self.status.kOptimal:
                bounds.append(sign * self.highs.getInfo().objective_function_value)
            elif status in (self.status.kUnbounded, self.status.kUnboundedOrInfeasible):
                # The exact figures satisfy every relation, so the region is not empty.
                bounds.append(math.inf if sign < 0 else 0.0)
            else:
                return Interval(0.0, 0.0)  # contradictory figures: treat as pinned (refused)
        return _rounded(*bounds)


def _rounded(low: float, high: float) -> Interval:
    """Whole-number bounds: the LP's, rounded inwards."""
    low = max(0.0, float(math.ceil(low - 1e-6)))
    high = high if math.isinf(high) else float(math.floor(high + 1e-6))
    return Interval(low, high)
