"""Which instrument definitions a center uses today, and the rows that hold their text.

Built-in definitions live as files in instruments/. The first time a file's version is used it
gets an InstrumentDefinition row (its text and hash), so later revisions of the file, which must
carry a new version number, never change what an old response points at. A center's uploaded
definition with the same id as a built-in one replaces it for that center (for example, a K6
definition with the official wording the center is licensed to use).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from . import definitions
from .models import InstrumentDefinition, InstrumentSetting, VocabularyTerm

BUILTIN_DIR = Path(__file__).resolve().parent / "instruments"


@dataclass(frozen=True)
class BuiltinFile:
    path: Path
    text: str
    sha256: str
    definition: dict

    @property
    def instrument_id(self) -> str:
        return self.definition["id"]

    @property
    def version(self) -> int:
        return self.definition["version"]


@lru_cache(maxsize=1)
def builtin_files() -> tuple[BuiltinFile, ...]:
    files = []
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        problems = definitions.validate_text(text)
        if problems:
            listed = "; ".join(f"{path.name}:{p.line}: {p.message}" for p in problems)
            raise ImproperlyConfigured(f"Built-in instrument definition is invalid: {listed}")
        files.append(BuiltinFile(path, text, definitions.text_hash(text), definitions.load(text)))
    return tuple(files)


parsed = definitions.load_cached


def _builtin_row(file: BuiltinFile) -> InstrumentDefinition:
    return InstrumentDefinition(
        center=None,
        instrument_id=file.instrument_id,
        version=file.version,
        source=InstrumentDefinition.Source.BUILTIN,
        filename=file.path.name,
        text=file.text,
        sha256=file.sha256,
        label_ja=file.definition["labels"]["ja"],
        label_en=file.definition["labels"]["en"],
    )


def builtin_rows() -> dict[str, InstrumentDefinition]:
    """The row of each built-in file's current version, made when missing (one query when
    they all exist). A file changed without a new version number is refused: old responses
    point at the stored text of that version."""
    files = builtin_files()
    stored = {
        (row.instrument_id, row.version): row
        for row in InstrumentDefinition.objects.filter(
            center__isnull=True, source=InstrumentDefinition.Source.BUILTIN
        )
    }
    out: dict[str, InstrumentDefinition] = {}
    for file in files:
        row = stored.get((file.instrument_id, file.version))
        if row is None:
            try:
                with transaction.atomic():
                    row = _builtin_row(file)
                    row.save()
            except IntegrityError:
                row = InstrumentDefinition.objects.get(
                    center__isnull=True, instrument_id=file.instrument_id, version=file.version
                )
        if row.sha256 != file.sha256:
            raise ImproperlyConfigured(
                f"instruments/{file.path.name} changed but still says version {file.version}. "
                "Give the revised definition a new version number, so answers given on the "
                "old one keep their scores."
            )
        out[file.instrument_id] = row
    return out


def current_definitions(center_id: int) -> list[InstrumentDefinition]:
    """The definitions a new assessment at the center uses, in form order."""
    rows = builtin_rows()
    uploads = InstrumentDefinition.objects.filter(
        center_id=center_id, source=InstrumentDefinition.Source.UPLOAD, is_active=True
    ).order_by("instrument_id", "-version", "-id")
    for row in uploads:
        current = rows.get(row.instrument_id)
        if current is None or current.center_id is None:
            rows[row.instrument_id] = row
    return sorted(rows.values(), key=lambda r: (parsed(r.text).get("order", 1000), r.instrument_id))


def center_variants(center_id: int) -> dict[str, str]:
    return dict(
        InstrumentSetting.objects.filter(center_id=center_id).values_list(
            "instrument_id", "variant"
        )
    )


def vocabulary_terms(*, active_only: bool = False) -> dict[str, list[VocabularyTerm]]:
    terms = VocabularyTerm.objects.order_by("vocabulary", "order", "id")
    if active_only:
        terms = terms.filter(is_active=True)
    out: dict[str, list[VocabularyTerm]] = {}
    for term in terms:
        out.setdefault(term.vocabulary, []).append(term)
    return out


def vocabulary_labels() -> dict[str, dict[str, str]]:
    """code -> {ja, en} across all vocabularies (codes are unique within one vocabulary; the
    same code in two vocabularies is given the same meaning)."""
    return {
        code: {"ja": ja, "en": en or ja}
        for code, ja, en in VocabularyTerm.objects.values_list("code", "label_ja", "label_en")
    }
