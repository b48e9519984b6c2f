"""`yorisoi generate --preset tiny|city|national`: synthetic case work at scale, for benchmarks.

Creates its own centers and workers (named 合成データ…, with unusable passwords) and fills them
with persons, households, cases, contacts, status history and plans spread over the preset's
years. Rows are made and written one batch at a time, so memory stays flat however large the
preset. Most contacts carry no note, and notes are short, so encryption stays cheap.

Speed: the ORM's bulk_create spends most of its time building model instances and preparing
values one by one (about 0.3 ms a row), which would make the national preset take the better
part of an hour. So rows are plain dicts keyed by the models' own field names, completed with
each field's default, converted once per column, and written with executemany on SQLite and
COPY on PostgreSQL, with ids allocated here (sequences are reset afterwards). Encrypted fields
still go through the field's own get_prep_value. Run it on a database nothing else writes to.
"""

from __future__ import annotations

import math
import operator
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from yorisoi.accounts.models import Center, Membership, Role, User
from yorisoi.cases.demo import (
    CLOSURE_WEIGHTS,
    FAMILY_GOALS,
    GIVEN_NAMES,
    HEARD_VIA_WEIGHTS,
    METHOD_WEIGHTS,
    NICKNAMES,
    PERSON_GOALS,
    PLANNED_SUPPORTS,
    SURNAMES,
    at,
    contact_time,
    duration_for,
    generation_of,
    pick,
)
from yorisoi.cases.models import (
    Case,
    CaseChange,
    Consulter,
    Contact,
    Method,
    Phase,
    PlanVersion,
    Status,
)
from yorisoi.core.crypto import EncryptedTextField
from yorisoi.people.models import (
    Household,
    HouseholdMember,
    Person,
    Relationship,
    Sex,
    band_for_age,
)

# Every generated center's name starts with this, so generated data is easy to find and to tell
# apart from real or demo data.
GENERATED_PREFIX = "合成データ"


@dataclass(frozen=True)
class Preset:
    persons: int
    contacts: int
    years: int
    centers: int
    workers_per_center: int


PRESETS = {
    "tiny": Preset(persons=50, contacts=500, years=3, centers=2, workers_per_center=2),
    "city": Preset(persons=3_000, contacts=60_000, years=10, centers=2, workers_per_center=6),
    "national": Preset(
        persons=100_000, contacts=2_000_000, years=10, centers=60, workers_per_center=10
    ),
}

# Short notes keep encryption cheap; most generated contacts carry none.
NOTE_SHARE = 0.1
SHORT_NOTES = (
    "近況を確認。次回の日程を決めた。",
    "家族と面談。声かけの工夫を話し合った。",
    "本人と話す。生活リズムが少し整ってきた。",
    "居場所の見学について相談。",
    "関係機関と情報共有（同意あり）。",
)
SUMMARY_BY_METHOD = {
    Method.PHONE: "電話（近況）",
    Method.VISIT: "来所相談",
    Method.HOME_VISIT: "自宅訪問",
    Method.LINE: "LINEでのやりとり",
    Method.EMAIL: "メール",
    Method.ONLINE: "オンライン面談",
    Method.METAVERSE: "メタバース居場所",
    Method.ACCOMPANY: "同行支援",
    Method.INTER_AGENCY: "関係機関と連携",
}
CONSULTER_WEIGHTS = (
    (Consulter.FAMILY, 52),
    (Consulter.SELF, 38),
    (Consulter.AGENCY, 8),
    (Consulter.OTHER, 2),
)
STATUS_PATH = (Status.INTAKE, Status.ASSESSMENT, Status.PLANNING, Status.SUPPORT, Status.MONITORING)


def generated_centers():
    return Center.objects.filter(name__startswith=GENERATED_PREFIX)


# --- writing rows fast ------------------------------------------------------------------------

_SIMPLE_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _sqlite_datetime(value):
    # What Django's SQLite backend stores: naive UTC text.
    if value is None:
        return None
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _sqlite_date(value):
    return None if value is None else value.isoformat()


class Table:
    """Writes rows (dicts keyed by attname) into a model's table, filling in each missing field
    with its default and converting values the way the field would."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        vendor = connection.vendor
        self.defaults = []
        self.converters = []
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults.append(timezone.now())
            else:
                self.defaults.append(f.get_default())
            self.converters.append(self._converter(f, vendor))
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        next_id = model.objects.aggregate(top=Max("pk"))["top"] or 0
        self.next_id = next_id + 1

    @staticmethod
    def _converter(field, vendor):
        if isinstance(field, EncryptedTextField):
            return lambda v: field.get_prep_value(v) if v else v
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            return _sqlite_datetime if vendor == "sqlite" else None
        if kind == "DateField":
            return _sqlite_date if vendor == "sqlite" else None
        if kind in ("CharField", "TextField", "EmailField", "SlugField") and vendor != "sqlite":
            # Choices members are str subclasses; hand the driver the plain value.
            return lambda v: v if v is None or type(v) is str else str(v)
        if kind in _SIMPLE_TYPES:
            return None
        return lambda v: field.get_db_prep_save(v, connection)

    def take_ids(self, rows: list[dict]) -> None:
        for row in rows:
            row["id"] = self.next_id
            self.next_id += 1

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        base = dict(zip(self.attnames, self.defaults, strict=True))
        getter = operator.itemgetter(*self.attnames)
        converted = [(i, conv) for i, conv in enumerate(self.converters) if conv is not None]
        values = []
        for row in rows:
            full = base.copy()
            full.update(row)
            value = list(getter(full))
            for i, conv in converted:
                value[i] = conv(value[i])
            values.append(value)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor, for COPY
                with raw.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})",  # noqa: S608
                    values,
                )

    def reset_sequence(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [self.model])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Progress:
    """A plain text progress bar on stderr: redrawn in place on a terminal, one line every 10%
    otherwise (logs, CI)."""

    def __init__(self, total: int, stream, enabled: bool = True):
        self.total = max(1, total)
        self.done = 0
        self.stream = stream  # a command's OutputWrapper (self.stderr)
        self.enabled = enabled
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.last_tenth = -1

    def advance(self, units: int, label: str) -> None:
        self.done += units
        if not self.enabled:
            return
        share = min(1.0, self.done / self.total)
        tenth = int(share * 10)
        if not self.tty and tenth == self.last_tenth and share < 1.0:
            return
        self.last_tenth = tenth
        width = 30
        filled = int(share * width)
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.started
        left = elapsed / share - elapsed if share > 0 else 0
        line = f"[{bar}] {share:4.0%}  {label}  {elapsed:5.0f}s elapsed, ~{left:4.0f}s left"
        if self.tty:
            self.stream.write("\r" + line + "    ", ending="")
            self.stream.flush()
        else:
            self.stream.write(line)

    def finish(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Generate synthetic case work at scale for benchmarks, at its own centers and workers "
        "(named 合成データ…). Presets: tiny (50 persons / 500 contacts), city (3,000 / 60,000 "
        "over 10 years), national (100,000 / 2,000,000). Use a database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--centers", type=int, help="number of centers (default per preset)")
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="contacts per write (default 5000)"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        preset = PRESETS[options["preset"]]
        centers_wanted = options["centers"] or preset.centers
        if centers_wanted < 1:
            raise CommandError("--centers must be at least 1.")
        if options["batch_size"] < 100:
            raise CommandError("--batch-size must be at least 100.")
        existing = Case.objects.filter(center__in=generated_centers()).count()
        if existing:
            raise CommandError(
                f"This database already holds generated data ({existing:,} cases at centers "
                f"named {GENERATED_PREFIX}…). Generate into a fresh database (see "
                "bench/README.md)."
            )
        started = time.monotonic()
        generator = Generator(
            preset=preset,
            seed=options["seed"],
            centers=centers_wanted,
            batch_size=options["batch_size"],
            progress=Progress(
                preset.persons + preset.contacts,
                stream=self.stderr,
                enabled=not options["no_progress"],
            ),
        )
        generator.run()
        with connection.cursor() as cursor:
            # Fresh planner statistics, so the first benchmark sees the real table sizes.
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {preset.persons:,} persons and {preset.contacts:,} contacts at "
                f"{centers_wanted} centers in {time.monotonic() - started:.1f}s "
                f"({connection.vendor})."
            )
        )


class Generator:
    def __init__(self, *, preset: Preset, seed: int, centers: int, batch_size: int, progress):
        self.preset = preset
        self.rng = random.Random(seed)
        self.center_count = centers
        self.batch_size = batch_size
        self.progress = progress
        self.today = timezone.localdate()
        self.start = self.today - timedelta(days=365 * preset.years)
        self.span_days = (self.today - self.start).days
        self.contacts_done = 0

    def run(self) -> None:
        with transaction.atomic():
            self.make_staff()
        self.tables = {
            model: Table(model)
            for model in (
                Household,
                HouseholdMember,
                Person,
                Case,
                CaseChange,
                PlanVersion,
                Contact,
                Contact.workers.through,
            )
        }
        # Each batch of persons brings its share of the contacts (about batch_size of them).
        per_person = max(1, self.preset.contacts // self.preset.persons)
        persons_per_batch = max(10, self.batch_size // per_person)
        total_p, total_c = self.preset.persons, self.preset.contacts
        first = 0
        try:
            while first < total_p:
                last = min(total_p, first + persons_per_batch)
                quota = round(total_c * last / total_p) - round(total_c * first / total_p)
                with transaction.atomic():
                    self.batch(first, last - first, quota)
                first = last
        finally:
            for table in self.tables.values():
                table.reset_sequence()
        self.progress.finish()

    # staff

    def make_staff(self) -> None:
        """Centers with one manager and some workers each. Passwords are unusable: benchmarks
        sign in with force_login."""
        Center.objects.bulk_create(
            Center(
                name=f"{GENERATED_PREFIX} センター{n:03d}",
                short_name=f"合成{n:03d}",
                ward=f"合成区{n:03d}",
            )
            for n in range(1, self.center_count + 1)
        )
        centers = list(generated_centers().order_by("id"))
        users, roles = [], []
        for n, center in enumerate(centers, start=1):
            staff = [(f"gen{n:03d}-m", f"センター長 {n:03d}", Role.MANAGER)]
            staff += [
                (f"gen{n:03d}-w{k:02d}", f"支援員 {n:03d}-{k:02d}", Role.WORKER)
                for k in range(1, self.preset.workers_per_center + 1)
            ]
            for username, label, role in staff:
                users.append(
                    User(
                        username=username,
                        display_name=f"{GENERATED_PREFIX} {label}",
                        password=make_password(None),
                    )
                )
                roles.append((center, role))
        User.objects.bulk_create(users, batch_size=1000)
        by_name = User.objects.in_bulk([u.username for u in users], field_name="username")
        Membership.objects.bulk_create(
            [
                Membership(user=by_name[u.username], center=center, role=role)
                for u, (center, role) in zip(users, roles, strict=True)
            ],
            batch_size=1000,
        )
        self.centers = centers
        self.workers: dict[int, list[int]] = {c.pk: [] for c in centers}
        for u, (center, role) in zip(users, roles, strict=True):
            if role == Role.WORKER:
                self.workers[center.pk].append(by_name[u.username].pk)

    # one batch of persons with their cases and contacts

    def batch(self, offset: int, count: int, contact_quota: int) -> None:
        rng, t = self.rng, self.tables
        households, members, persons = [], [], []
        cases = [self.plan_case(offset + i) for i in range(count)]
        for c in cases:
            person, household, family = self.make_person(offset=c["n"], case=c)
            persons.append(person)
            if household is not None:
                households.append(household)
                members.extend(family)
        t[Household].take_ids(households)
        for person in persons:
            if person.get("household") is not None:
                person["household_id"] = person.pop("household")["id"]
            person.pop("household", None)
        for m in members:
            m["household_id"] = m.pop("household")["id"]
        t[HouseholdMember].take_ids(members)
        t[Person].take_ids(persons)
        t[Household].write(households)
        t[Person].write(persons)
        t[HouseholdMember].write(members)
        self.progress.advance(count, self.label())

        # How many contacts each case gets: at least the intake, the rest by case length.
        weights = [
            max(7, (c["last"] - c["opened_on"]).days) ** 0.8 * rng.lognormvariate(0, 0.6)
            for c in cases
        ]
        counts = allocate(contact_quota, weights, minimum=1)
        case_rows, changes, plans = [], [], []
        for c, person, n in zip(cases, persons, counts, strict=True):
            c["days"] = spread_days(rng, c["opened_on"], c["last"], n)
            c["times"] = sorted(contact_time(rng, d, Method.PHONE) for d in c["days"])
            row = {
                "person_id": person["id"],
                "center_id": c["center"].pk,
                "status": c["status"],
                "phase": c["phase"],
                "primary_worker_id": c["worker"],
                "primary_assigned_at": at(c["opened_on"], 17, 0) if c["worker"] else None,
                "opened_on": c["opened_on"],
                "closed_on": c["closed_on"],
                "closure_reason": c["closure_reason"],
                "next_contact_on": c["next_contact_on"],
                "last_contact_at": c["times"][-1],
                "created_by_id": c["taker"],
                "created_at": c["times"][0],
                "updated_at": c["times"][-1],
            }
            case_rows.append(row)
        t[Case].take_ids(case_rows)
        for c, row in zip(cases, case_rows, strict=True):
            c["case_id"] = row["id"]
            changes.extend(self.history(c))
            plan = self.plan_version(c)
            if plan is not None:
                plans.append(plan)
        t[CaseChange].take_ids(changes)
        t[PlanVersion].take_ids(plans)
        t[Case].write(case_rows)
        t[CaseChange].write(changes)
        t[PlanVersion].write(plans)

        pending: list[dict] = []
        for c in cases:
            pending.extend(self.contacts_of(c))
            if len(pending) >= self.batch_size:
                self.write_contacts(pending)
                pending = []
        self.write_contacts(pending)

    def write_contacts(self, contacts: list[dict]) -> None:
        if not contacts:
            return
        t = self.tables
        Through = Contact.workers.through
        t[Contact].take_ids(contacts)
        links = [{"contact_id": c["id"], "user_id": c["recorded_by_id"]} for c in contacts]
        t[Through].take_ids(links)
        t[Contact].write(contacts)
        t[Through].write(links)
        self.contacts_done += len(contacts)
        self.progress.advance(len(contacts), self.label())

    def label(self) -> str:
        return f"contacts {self.contacts_done:,}/{self.preset.contacts:,}"

    def make_person(self, *, offset: int, case: dict) -> tuple[dict, dict | None, list[dict]]:
        rng = self.rng
        age = case["age"]
        sex = pick(rng, ((Sex.MALE, 64), (Sex.FEMALE, 31), (Sex.OTHER, 1), (Sex.UNANSWERED, 4)))
        # A Person instance only to derive the search keys the way the model does.
        person = Person(sex=sex, ward=case["center"].ward)
        roll = rng.random()
        if roll < 0.85:
            family, family_kana = rng.choice(SURNAMES)
            key = ("female" if sex == Sex.FEMALE else "male", generation_of(age))
            given, given_kana = rng.choice(GIVEN_NAMES[key])
            person.family_name, person.given_name = family, given
            person.family_name_kana, person.given_name_kana = family_kana, given_kana
            if rng.random() < 0.5:
                person.birth_date = self.today - timedelta(days=age * 365 + rng.randint(0, 360))
            if rng.random() < 0.2:
                person.phone = f"090-{offset // 10000 % 10000:04d}-{offset % 10000:04d}"
        elif roll < 0.93:
            person.nickname = rng.choice(NICKNAMES)
        if person.birth_date is None:
            person.age_band = band_for_age(age) if rng.random() < 0.85 else "unknown"
        person.refresh_search_keys()
        created = at(case["opened_on"], 12, 0)
        row = {f.attname: getattr(person, f.attname) for f in person._meta.concrete_fields}
        row.update(created_at=created, updated_at=created, created_by_id=case["taker"])
        del row["id"]
        if rng.random() < 0.15:
            return row, None, []
        household = {"created_at": created, "updated_at": created}
        row["household"] = household
        mother_age = min(95, age + rng.randint(24, 36))
        family = [
            {
                "household": household,
                "relationship": Relationship.MOTHER,
                "age": mother_age,
                "age_recorded_on": self.today,
            }
        ]
        if rng.random() < 0.6:
            family.append(
                {
                    "household": household,
                    "relationship": Relationship.FATHER,
                    "age": min(99, mother_age + rng.randint(0, 5)),
                    "age_recorded_on": self.today,
                }
            )
        return row, household, family

    def plan_case(self, n: int) -> dict:
        """Dates, status and worker of the n-th person's case, before any row is made."""
        rng, today = self.rng, self.today
        center = self.centers[n % len(self.centers)]
        age = rng.choices(
            (rng.randint(15, 24), rng.randint(25, 44), rng.randint(45, 64)), (3, 5, 2)
        )
        opened_on = self.start + timedelta(days=int(self.span_days * rng.random() ** 0.8))
        opened_on = min(opened_on, today - timedelta(days=1))
        age_days = (today - opened_on).days
        workers = self.workers[center.pk]
        worker = rng.choice(workers) if workers else None
        closed_on = None
        closure_reason = ""
        next_contact_on = None
        if rng.random() < min(0.85, 0.05 + age_days / 2000):
            length = min(age_days - 1, int(rng.expovariate(1 / 400)) + 30)
            closed_on = opened_on + timedelta(days=max(0, length))
            last = closed_on - timedelta(days=rng.randint(0, max(0, min(14, length))))
            status = Status.CLOSED
            closure_reason = pick(rng, CLOSURE_WEIGHTS)
            reached = rng.randint(0, 4)
        else:
            if rng.random() < 0.08:  # quiet for a while
                last = today - timedelta(days=rng.randint(31, 180))
            else:
                last = today - timedelta(days=rng.randint(1, 25))
            last = max(opened_on, last)
            if rng.random() < 0.9:
                next_contact_on = max(last, today + timedelta(days=rng.randint(-5, 28)))
            if age_days < 30:
                reached = rng.randint(0, 1)
                if reached == 0 and rng.random() < 0.3:
                    worker = None  # an intake nobody has been assigned to yet
            elif age_days < 120:
                reached = rng.randint(1, 3)
            else:
                reached = 3 if rng.random() < 0.7 else 4
            status = STATUS_PATH[reached]
        phase = (Phase.ENCOUNTER, Phase.ENCOUNTER, Phase.INDIVIDUAL, Phase.INDIVIDUAL)[
            min(reached, 3)
        ]
        if reached >= 3 and rng.random() < 0.35:
            phase = Phase.GROUP if reached == 3 else Phase.PARTICIPATION
        return {
            "n": n,
            "age": age[0],
            "center": center,
            "worker": worker,
            "taker": worker or (workers[0] if workers else None),
            "opened_on": opened_on,
            "last": last,
            "closed_on": closed_on,
            "closure_reason": closure_reason,
            "status": status,
            "phase": phase,
            "reached": reached,
            "next_contact_on": next_contact_on,
        }

    def history(self, c: dict) -> list[dict]:
        """Status changes along the path reached (dated evenly up to the last contact), the
        phase change if any, and the closure."""
        opened_on = c["opened_on"]
        span = max(0, (c["last"] - opened_on).days)
        steps = STATUS_PATH[: c["reached"] + 1]
        rows = []
        previous = ""
        for k, status in enumerate(steps):
            on = opened_on + timedelta(days=span * k // len(steps))
            rows.append(self.change(c, CaseChange.Field.STATUS, previous, status, on))
            previous = status
        if c["phase"] != Phase.ENCOUNTER:
            on = opened_on + timedelta(days=span // 2)
            rows.append(self.change(c, CaseChange.Field.PHASE, Phase.ENCOUNTER, c["phase"], on))
        if c["closed_on"]:
            rows.append(
                self.change(c, CaseChange.Field.STATUS, previous, Status.CLOSED, c["closed_on"])
            )
        return rows

    @staticmethod
    def change(c: dict, field: str, old: str, new: str, on: date) -> dict:
        return {
            "case_id": c["case_id"],
            "field": field,
            "old_value": old,
            "new_value": new,
            "changed_on": on,
            "changed_at": at(on, 17, 30),
            "changed_by_id": c["taker"],
            "reason": "",
        }

    def plan_version(self, c: dict) -> dict | None:
        if c["reached"] < 2:
            return None
        rng = self.rng
        span = max(0, (c["last"] - c["opened_on"]).days)
        agreed = c["opened_on"] + timedelta(days=span // 3)
        person_voice = rng.random() < 0.6
        return {
            "case_id": c["case_id"],
            "number": 1,
            "goals": rng.choice(PERSON_GOALS if person_voice else FAMILY_GOALS),
            "voice": PlanVersion.Voice.PERSON if person_voice else PlanVersion.Voice.FAMILY,
            "planned_supports": rng.choice(PLANNED_SUPPORTS),
            "review_on": agreed + timedelta(days=rng.choice((90, 120, 180))),
            "agreed_by": "本人" if person_voice else "母",
            "agreed_on": agreed,
            "created_by_id": c["taker"],
            "created_at": at(agreed, 16, 0),
        }

    def contacts_of(self, c: dict) -> list[dict]:
        rng = self.rng
        days, times = c["days"], c["times"]
        out = []
        for i, (day, when) in enumerate(zip(days, times, strict=True)):
            method = pick(rng, METHOD_WEIGHTS)
            if method == Method.INTER_AGENCY:
                consulter = Consulter.AGENCY
            else:
                consulter = pick(rng, CONSULTER_WEIGHTS)
            if i + 1 < len(days):
                next_on: date | None = days[i + 1]
            elif c["next_contact_on"] and c["next_contact_on"] >= day:
                next_on = c["next_contact_on"]
            else:
                next_on = None
            out.append(
                {
                    "center_id": c["center"].pk,
                    "case_id": c["case_id"],
                    "occurred_at": when,
                    "duration_minutes": duration_for(rng, method),
                    "method": method,
                    "consulter": consulter,
                    "consulter_detail": "母" if consulter == Consulter.FAMILY else "",
                    "summary": "初回相談" if i == 0 else SUMMARY_BY_METHOD[method],
                    "note": rng.choice(SHORT_NOTES) if rng.random() < NOTE_SHARE else "",
                    "follow_up": "",
                    "next_contact_on": next_on,
                    "is_intake": i == 0,
                    "heard_via": pick(rng, HEARD_VIA_WEIGHTS) if i == 0 else "",
                    "recorded_by_id": c["taker"],
                    "submission_token": None,
                    "created_at": when,
                    "updated_at": when,
                }
            )
        return out


def allocate(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split `total` into integers proportional to `weights`, each at least `minimum`,
    summing exactly to `total` (the largest remainders take the leftovers)."""
    n = len(weights)
    if n == 0:
        return []
    if total < minimum * n:
        raise CommandError("A preset needs at least one contact per person.")
    rest = total - minimum * n
    weight_sum = sum(weights) or 1.0
    shares = [rest * w / weight_sum for w in weights]
    counts = [minimum + math.floor(s) for s in shares]
    leftover = total - sum(counts)
    by_remainder = sorted(range(n), key=lambda i: shares[i] - math.floor(shares[i]), reverse=True)
    for i in by_remainder[:leftover]:
        counts[i] += 1
    return counts


def spread_days(rng: random.Random, first: date, last: date, n: int) -> list[date]:
    """`n` contact days: the intake on `first`, the latest on `last`, the rest in between."""
    if n == 1:
        return [first]
    span = (last - first).days
    middle = sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(n - 2))
    return [first, *middle, last]
