"""Instrument definitions: read a YAML (or JSON) file keeping each node's line, validate it,
and resolve it into the plain, JSON-safe dictionary that responses snapshot and score against.

Nothing here touches the database. The validator reports every problem it finds, each with the
line of the file it concerns, so an operator can fix a file in one pass (docs/assessments.md
describes the format). `yorisoi instruments validate FILE` and the manager's upload page both
call `validate_text`.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import pairwise
from typing import Any

import yaml
from django.utils.translation import gettext as _

ITEM_TYPES = ("single_choice", "scale", "multi_select_tags", "free_text", "date", "duration")
SCORED_TYPES = ("scale", "single_choice")
LANGS = ("ja", "en")
RISK_FLAGS = ("self_harm", "violence", "abuse", "no_medical")
VOCABULARIES = ("interests", "aptitudes", "wishes")
COMPARISONS = ("gte", "gt", "lte", "lt")
CONDITION_OPS = ("in", "not_in", *COMPARISONS, "empty", "answered")
ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
MAX_TEXT_LENGTH = 20000
DEFAULT_TEXT_LENGTH = 4000

TOP_KEYS = {
    "id",
    "version",
    "order",
    "labels",
    "description",
    "convention",
    "source",
    "variants",
    "variants_label",
    "required",
    "sections",
    "items",
    "scoring",
    "classification",
    "risk",
}
ITEM_KEYS = {"id", "type", "labels", "help", "required", "section"}
# A variant may change the answer scale, or (a published definition with several editions,
# such as the outing classification of the H30 and R4 surveys) the classification rules and
# the text naming their source.
VARIANT_KEYS = {
    "id",
    "labels",
    "default",
    "scale",
    "range",
    "bands",
    "description",
    "convention",
    "source",
    "classification",
}
ITEM_TYPE_KEYS = {
    "single_choice": {"options"},
    "scale": {"min", "max", "anchors"},
    "multi_select_tags": {"options", "vocabulary", "allow_free", "exclusive"},
    "free_text": {"max_length"},
    "date": set(),
    "duration": set(),
}


# ---------------------------------------------------------------------------------------------
# Reading with line numbers
# ---------------------------------------------------------------------------------------------


class MDict(dict):
    """A mapping read from the file, with the line of the mapping, of each key and each value."""

    line: int = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int, int]] = []  # (key, line, first line)


class MList(list):
    """A sequence read from the file, with its own line and each entry's line."""

    line: int = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_lines: list[int] = []


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences remember the marks of the nodes they came from."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    data = MDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in data.key_lines:
            data.duplicates.append((key, line, data.key_lines[key]))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode):
    data = MList()
    data.line = node.start_mark.line + 1
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("%(line)s行目: %(message)s") % {"line": self.line, "message": self.message}


class DefinitionError(ValueError):
    """A definition that cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse(text: str) -> Any:
    """The file's content with line information, or DefinitionError for a YAML syntax error."""
    loader = _LineLoader(text)
    try:
        # compose the node graph, then construct it: our constructors keep the node marks.
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise DefinitionError(
            [
                Problem(
                    line,
                    _("YAML（またはJSON）として読めません: %(detail)s") % {"detail": detail},
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        raise DefinitionError(
            [Problem(1, _("YAML（またはJSON）として読めません: %(detail)s") % {"detail": exc})]
        ) from exc
    finally:
        loader.dispose()


def to_plain(value: Any) -> Any:
    """A JSON-safe copy: plain dicts and lists, dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kline(container: Any, key: Any, default: int = 1) -> int:
    if isinstance(container, MDict):
        return container.key_lines.get(key, container.line)
    if isinstance(container, MList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return default


def _span(low: int, high: int) -> str:
    if low == high:
        return _("%(n)s点") % {"n": low}
    return _("%(a)s点から%(b)s点") % {"a": low, "b": high}


def _line(value: Any, default: int) -> int:
    return getattr(value, "line", default)


@dataclass
class _Scope:
    """What one variant (or the definition without variants) makes of the scale items."""

    variant: MDict | None
    item_ranges: dict[str, tuple[int, int]]


class _Checker:
    def __init__(self, data: Any):
        self.data = data
        self.problems: list[Problem] = []
        self.items: dict[str, MDict] = {}
        self.sections: set[str] = set()
        self.scopes: list[_Scope] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    # -- generic pieces ------------------------------------------------------------------

    def duplicates(self, value: Any) -> None:
        if isinstance(value, MDict):
            for key, line, first in value.duplicates:
                self.add(
                    line,
                    _("キー「%(key)s」が同じ場所に2回あります（最初は%(first)s行目）。")
                    % {"key": key, "first": first},
                )
            for child in value.values():
                self.duplicates(child)
        elif isinstance(value, list):
            for child in value:
                self.duplicates(child)

    def unknown_keys(self, mapping: MDict, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(
                    _kline(mapping, key),
                    _("%(where)sに不明なキー「%(key)s」があります。使えるキー: %(allowed)s")
                    % {"where": where, "key": key, "allowed": ", ".join(sorted(allowed))},
                )

    def mapping(self, parent: Any, key: Any, where: str, required: bool = True) -> MDict | None:
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is None:
            if required:
                self.add(
                    _line(parent, 1),
                    _("%(where)sに「%(key)s」がありません。") % {"where": where, "key": key},
                )
            return None
        if not isinstance(value, MDict):
            self.add(
                _kline(parent, key),
                _("%(where)sの「%(key)s」は「キー: 値」の形（マッピング）にしてください。")
                % {"where": where, "key": key},
            )
            return None
        return value

    def sequence(self, parent: Any, key: Any, where: str, required: bool = True) -> MList | None:
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is None:
            if required:
                self.add(
                    _line(parent, 1),
                    _("%(where)sに「%(key)s」がありません。") % {"where": where, "key": key},
                )
            return None
        if not isinstance(value, MList):
            self.add(
                _kline(parent, key),
                _("%(where)sの「%(key)s」は「- 」で始まる並び（リスト）にしてください。")
                % {"where": where, "key": key},
            )
            return None
        return value

    def identifier(self, parent: MDict, key: str, where: str) -> str | None:
        value = parent.get(key)
        if value is None:
            self.add(
                parent.line,
                _("%(where)sに「%(key)s」がありません。") % {"where": where, "key": key},
            )
            return None
        if not isinstance(value, str) or not ID_RE.match(value):
            self.add(
                _kline(parent, key),
                _(
                    "%(where)sの「%(key)s」（%(value)s）は、英小文字で始まり英小文字・数字・"
                    "下線だけからなる50文字以内の名前にしてください。"
                )
                % {"where": where, "key": key, "value": value},
            )
            return None
        return value

    def labels(self, parent: Any, key: str, where: str, required: bool = True) -> None:
        """A {ja, en} pair of non-empty texts; both languages are required."""
        if not isinstance(parent, dict):
            return
        value = parent.get(key)
        if value is None:
            if required:
                self.add(
                    _line(parent, 1),
                    _("%(where)sに表示名「%(key)s」（ja と en）がありません。")
                    % {"where": where, "key": key},
                )
            return
        if not isinstance(value, MDict):
            self.add(
                _kline(parent, key),
                _("%(where)sの「%(key)s」は ja: と en: の2つの表示名にしてください。")
                % {"where": where, "key": key},
            )
            return
        for lang in value:
            if lang not in LANGS:
                self.add(
                    _kline(value, lang),
                    _(
                        "%(where)sの「%(key)s」に不明な言語「%(lang)s」があります（ja と en だけ"
                        "です）。{ } の中で文に「,」を使うときは、文を引用符で囲んでください。"
                    )
                    % {"where": where, "key": key, "lang": lang},
                )
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.add(
                    _kline(value, lang) if lang in value else value.line,
                    _("%(where)sの「%(key)s」に %(lang)s の表示名がありません。")
                    % {"where": where, "key": key, "lang": lang},
                )

    def integer(
        self, parent: MDict, key: str, where: str, *, minimum: int | None = None
    ) -> int | None:
        value = parent.get(key)
        if not _is_int(value):
            self.add(
                _kline(parent, key),
                _("%(where)sの「%(key)s」は整数にしてください。") % {"where": where, "key": key},
            )
            return None
        if minimum is not None and value < minimum:
            self.add(
                _kline(parent, key),
                _("%(where)sの「%(key)s」は%(minimum)s以上にしてください。")
                % {"where": where, "key": key, "minimum": minimum},
            )
            return None
        return value

    def boolean(self, parent: MDict, key: str, where: str) -> None:
        if key in parent and not isinstance(parent[key], bool):
            self.add(
                _kline(parent, key),
                _("%(where)sの「%(key)s」は true か false にしてください。")
                % {"where": where, "key": key},
            )

    def pair(self, parent: MDict, key: str, where: str) -> tuple[int, int] | None:
        value = parent.get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(_is_int(v) for v in value)
            or value[0] > value[1]
        ):
            self.add(
                _kline(parent, key),
                _("%(where)sの「%(key)s」は [最小, 最大] の2つの整数にしてください。")
                % {"where": where, "key": key},
            )
            return None
        return value[0], value[1]

    # -- the definition ------------------------------------------------------------------

    def run(self) -> list[Problem]:
        data = self.data
        if not isinstance(data, MDict):
            self.add(
                _line(data, 1),
                _("定義ファイルの最上位は「キー: 値」の形（マッピング）にしてください。"),
            )
            return self.problems
        self.duplicates(data)
        where = _("定義")
        self.unknown_keys(data, TOP_KEYS, where)
        self.identifier(data, "id", where)
        if "version" not in data:
            self.add(data.line, _("定義に版「version」（1以上の整数）がありません。"))
        else:
            self.integer(data, "version", where, minimum=1)
        if "order" in data:
            self.integer(data, "order", where)
        # required: true -> every completed assessment must answer this instrument.
        self.boolean(data, "required", where)
        self.labels(data, "labels", where)
        for key in ("description", "convention", "source", "variants_label"):
            self.labels(data, key, where, required=False)
        self.check_sections()
        self.check_items()
        self.check_variants()
        self.check_scoring()
        self.check_classification()
        self.check_risk()
        self.problems.sort(key=lambda p: p.line)
        return self.problems

    def check_sections(self) -> None:
        sections = self.sequence(self.data, "sections", _("定義"), required=False)
        for index, section in enumerate(sections or []):
            where = _("区分（sections）の%(n)s番目") % {"n": index + 1}
            if not isinstance(section, MDict):
                self.add(
                    _kline(sections, index),
                    _("%(where)sは「キー: 値」の形にしてください。") % {"where": where},
                )
                continue
            self.unknown_keys(section, {"id", "labels"}, where)
            section_id = self.identifier(section, "id", where)
            self.labels(section, "labels", where)
            if section_id in self.sections:
                self.add(section.line, _("区分ID「%(id)s」が重複しています。") % {"id": section_id})
            elif section_id:
                self.sections.add(section_id)

    def check_items(self) -> None:
        items = self.sequence(self.data, "items", _("定義"))
        if items is None:
            return
        if not items:
            self.add(items.line, _("項目（items）が1つもありません。"))
        first_lines: dict[str, int] = {}
        for index, item in enumerate(items):
            line = _kline(items, index)
            if not isinstance(item, MDict):
                self.add(line, _("項目は「キー: 値」の形（マッピング）にしてください。"))
                continue
            item_id = item.get("id")
            where = (
                _("項目「%(id)s」") % {"id": item_id}
                if item_id
                else _("%(n)s番目の項目") % {"n": index + 1}
            )
            item_id = self.identifier(item, "id", where)
            if item_id is not None:
                if item_id in first_lines:
                    self.add(
                        _kline(item, "id"),
                        _("項目ID「%(id)s」が重複しています（最初は%(first)s行目）。")
                        % {"id": item_id, "first": first_lines[item_id]},
                    )
                    item_id = None
                else:
                    first_lines[item_id] = _kline(item, "id")
            self.labels(item, "labels", where)
            self.labels(item, "help", where, required=False)
            self.boolean(item, "required", where)
            item_type = item.get("type")
            if item_type is None:
                self.add(item.line, _("%(where)sに種類「type」がありません。") % {"where": where})
                continue
            if item_type not in ITEM_TYPES:
                self.add(
                    _kline(item, "type"),
                    _("%(where)sの種類「%(type)s」は使えません。使える種類: %(types)s")
                    % {"where": where, "type": item_type, "types": ", ".join(ITEM_TYPES)},
                )
                continue
            self.unknown_keys(item, ITEM_KEYS | ITEM_TYPE_KEYS[item_type], where)
            if "section" in item and item["section"] not in self.sections:
                self.add(
                    _kline(item, "section"),
                    _("%(where)sの区分「%(section)s」が sections にありません。")
                    % {"where": where, "section": item["section"]},
                )
            getattr(self, f"check_{item_type}")(item, where)
            if item_id is not None:
                self.items[item_id] = item

    def options(self, item: MDict, where: str, *, scores: bool) -> None:
        options = self.sequence(item, "options", where)
        if options is None:
            return
        if not options:
            self.add(options.line, _("%(where)sの選択肢（options）が空です。") % {"where": where})
        seen: dict[Any, int] = {}
        with_score = 0
        for index, option in enumerate(options):
            line = _kline(options, index)
            if not isinstance(option, MDict):
                self.add(
                    line,
                    _("%(where)sの選択肢は「キー: 値」の形にしてください。") % {"where": where},
                )
                continue
            value = option.get("value")
            owhere = _("%(where)sの選択肢「%(value)s」") % {"where": where, "value": value}
            self.unknown_keys(
                option, {"value", "labels", "score"} if scores else {"value", "labels"}, owhere
            )
            self.identifier(option, "value", owhere)
            if value in seen:
                self.add(
                    line,
                    _("%(where)sの選択肢「%(value)s」が重複しています（最初は%(first)s行目）。")
                    % {"where": where, "value": value, "first": seen[value]},
                )
            seen[value] = line
            self.labels(option, "labels", owhere)
            if "score" in option:
                with_score += 1
                self.integer(option, "score", owhere)
        if with_score and with_score != len(options):
            self.add(
                options.line,
                _(
                    "%(where)sは、点数（score）をすべての選択肢につけるか、どれにもつけないかにしてください。"
                )
                % {"where": where},
            )

    def check_single_choice(self, item: MDict, where: str) -> None:
        self.options(item, where, scores=True)

    def check_scale(self, item: MDict, where: str) -> None:
        has_min, has_max = "min" in item, "max" in item
        if has_min != has_max:
            self.add(
                item.line,
                _("%(where)sには min と max の両方を指定してください。") % {"where": where},
            )
            return
        if not has_min:
            if "variants" not in self.data:
                self.add(
                    item.line,
                    _("%(where)sに目盛りの最小「min」と最大「max」がありません。")
                    % {"where": where},
                )
            return
        low = self.integer(item, "min", where)
        high = self.integer(item, "max", where)
        if low is None or high is None:
            return
        if low >= high:
            self.add(
                _kline(item, "max"),
                _("%(where)sの max（%(max)s）は min（%(min)s）より大きくしてください。")
                % {"where": where, "min": low, "max": high},
            )
            return
        self.anchors(item, where, low, high)

    def anchors(self, parent: MDict, where: str, low: int, high: int) -> None:
        anchors = self.sequence(parent, "anchors", where, required=False)
        if anchors is None:
            return
        if len(anchors) != high - low + 1:
            self.add(
                anchors.line,
                _(
                    "%(where)sの目盛りの言葉（anchors）は %(n)s 個"
                    "（%(min)s〜%(max)s点の各点に1つ）にしてください。"
                )
                % {"where": where, "n": high - low + 1, "min": low, "max": high},
            )
        for index, anchor in enumerate(anchors):
            holder = MDict({"labels": anchor})
            holder.line = _kline(anchors, index)
            holder.key_lines = {"labels": holder.line}
            self.labels(
                holder, "labels", _("%(where)sの目盛り%(n)s") % {"where": where, "n": index + 1}
            )

    def check_multi_select_tags(self, item: MDict, where: str) -> None:
        has_options, has_vocab = "options" in item, "vocabulary" in item
        if has_options == has_vocab:
            self.add(
                item.line,
                _(
                    "%(where)sには選択肢「options」か語彙「vocabulary」のどちらか一方を指定してください。"
                )
                % {"where": where},
            )
        if has_options:
            self.options(item, where, scores=False)
        if has_vocab and item["vocabulary"] not in VOCABULARIES:
            self.add(
                _kline(item, "vocabulary"),
                _("%(where)sの語彙「%(vocabulary)s」はありません。使える語彙: %(names)s")
                % {
                    "where": where,
                    "vocabulary": item["vocabulary"],
                    "names": ", ".join(VOCABULARIES),
                },
            )
        self.boolean(item, "allow_free", where)
        exclusive = self.sequence(item, "exclusive", where, required=False)
        if exclusive is not None:
            values = {o.get("value") for o in item.get("options") or [] if isinstance(o, dict)}
            for index, value in enumerate(exclusive):
                if value not in values:
                    self.add(
                        _kline(exclusive, index),
                        _("%(where)sの exclusive にある「%(value)s」は選択肢にありません。")
                        % {"where": where, "value": value},
                    )

    def check_free_text(self, item: MDict, where: str) -> None:
        if "max_length" in item:
            value = self.integer(item, "max_length", where, minimum=1)
            if value is not None and value > MAX_TEXT_LENGTH:
                self.add(
                    _kline(item, "max_length"),
                    _("%(where)sの max_length は%(max)s以下にしてください。")
                    % {"where": where, "max": MAX_TEXT_LENGTH},
                )

    def check_date(self, item: MDict, where: str) -> None:
        return None

    def check_duration(self, item: MDict, where: str) -> None:
        return None

    # -- variants, scoring, classification, risk -------------------------------------------

    def check_variants(self) -> None:
        variants = self.sequence(self.data, "variants", _("定義"), required=False)
        base = {
            item_id: (item["min"], item["max"])
            for item_id, item in self.items.items()
            if item.get("type") == "scale" and _is_int(item.get("min")) and _is_int(item.get("max"))
        }
        if not variants:
            self.scopes = [_Scope(None, base)]
            if variants is not None:
                self.add(variants.line, _("バリエーション（variants）が空です。"))
            return
        seen: set[str] = set()
        defaults = 0
        for index, variant in enumerate(variants):
            if not isinstance(variant, MDict):
                self.add(
                    _kline(variants, index), _("バリエーションは「キー: 値」の形にしてください。")
                )
                continue
            where = _("バリエーション「%(id)s」") % {"id": variant.get("id")}
            self.unknown_keys(variant, VARIANT_KEYS, where)
            for key in ("description", "convention", "source"):
                self.labels(variant, key, where, required=False)
            variant_id = self.identifier(variant, "id", where)
            if variant_id in seen:
                self.add(
                    variant.line,
                    _("バリエーションID「%(id)s」が重複しています。") % {"id": variant_id},
                )
            seen.add(variant_id)
            self.labels(variant, "labels", where)
            self.boolean(variant, "default", where)
            defaults += variant.get("default") is True
            ranges = dict(base)
            scale = self.mapping(variant, "scale", where, required=False)
            if scale is not None:
                self.unknown_keys(scale, {"min", "max", "anchors"}, where)
                low = self.integer(scale, "min", where)
                high = self.integer(scale, "max", where)
                if low is not None and high is not None:
                    if low >= high:
                        self.add(
                            _kline(scale, "max"),
                            _("%(where)sの max（%(max)s）は min（%(min)s）より大きくしてください。")
                            % {"where": where, "min": low, "max": high},
                        )
                    else:
                        self.anchors(scale, where, low, high)
                        for item_id, item in self.items.items():
                            if item.get("type") == "scale" and "min" not in item:
                                ranges[item_id] = (low, high)
            missing = [
                item_id
                for item_id, item in self.items.items()
                if item.get("type") == "scale" and item_id not in ranges
            ]
            if missing:
                self.add(
                    variant.line,
                    _("%(where)sに目盛り「scale」（min と max）がありません。") % {"where": where},
                )
            self.scopes.append(_Scope(variant, ranges))
        if defaults > 1:
            self.add(
                variants.line, _("既定のバリエーション（default: true）は1つだけにしてください。")
            )

    def scored_range(self, item_id: str, scope: _Scope) -> tuple[int, int] | None:
        item = self.items.get(item_id)
        if item is None:
            return None
        if item.get("type") == "scale":
            return scope.item_ranges.get(item_id)
        scores = [o.get("score") for o in item.get("options") or [] if isinstance(o, dict)]
        if scores and all(_is_int(s) for s in scores):
            return min(scores), max(scores)
        return None

    def check_scoring(self) -> None:
        scoring = self.mapping(self.data, "scoring", _("定義"), required=False)
        self.total_ranges: list[tuple[int, int]] = []
        if scoring is None:
            return
        where = _("採点（scoring）")
        self.unknown_keys(scoring, {"method", "items", "reverse", "range", "bands"}, where)
        if scoring.get("method", "sum") != "sum":
            self.add(
                _kline(scoring, "method"),
                _("採点方法「%(method)s」は使えません。使える方法: sum")
                % {"method": scoring.get("method")},
            )
        listed = self.sequence(scoring, "items", where, required=False)
        if listed is None:
            item_ids = [i for i, item in self.items.items() if item.get("type") == "scale"]
        else:
            item_ids = []
            for index, item_id in enumerate(listed):
                item = self.items.get(item_id)
                if item is None:
                    self.add(
                        _kline(listed, index),
                        _("採点の対象「%(id)s」という項目はありません。") % {"id": item_id},
                    )
                elif item.get("type") not in SCORED_TYPES or (
                    item.get("type") == "single_choice"
                    and not all(
                        isinstance(o, dict) and "score" in o for o in item.get("options") or []
                    )
                ):
                    self.add(
                        _kline(listed, index),
                        _(
                            "項目「%(id)s」は点数がないため採点できません"
                            "（scale か、点数つきの single_choice にしてください）。"
                        )
                        % {"id": item_id},
                    )
                else:
                    item_ids.append(item_id)
        if not item_ids:
            self.add(scoring.line, _("採点の対象になる項目がありません。"))
            return
        reverse = self.sequence(scoring, "reverse", where, required=False)
        for index, item_id in enumerate(reverse or []):
            if item_id not in item_ids:
                self.add(
                    _kline(reverse, index),
                    _("逆転項目「%(id)s」が採点の対象にありません。") % {"id": item_id},
                )
            elif self.items[item_id].get("type") != "scale":
                self.add(
                    _kline(reverse, index),
                    _("逆転項目「%(id)s」は目盛り（scale）の項目にしてください。")
                    % {"id": item_id},
                )
        for scope in self.scopes:
            ranges = [self.scored_range(i, scope) for i in item_ids]
            if any(r is None for r in ranges):
                continue
            computed = (sum(r[0] for r in ranges), sum(r[1] for r in ranges))
            holder = (
                scope.variant if scope.variant is not None and "range" in scope.variant else scoring
            )
            vwhere = (
                _("バリエーション「%(id)s」") % {"id": scope.variant.get("id")}
                if holder is scope.variant
                else where
            )
            if "range" not in holder:
                self.add(
                    holder.line,
                    _(
                        "%(where)sに合計点の範囲「range」がありません"
                        "（項目から計算すると [%(min)s, %(max)s]）。"
                    )
                    % {"where": vwhere, "min": computed[0], "max": computed[1]},
                )
                continue
            declared = self.pair(holder, "range", vwhere)
            if declared is None:
                continue
            if declared != computed:
                self.add(
                    _kline(holder, "range"),
                    _(
                        "%(where)sの合計点の範囲 [%(a)s, %(b)s] が、"
                        "項目から計算される範囲 [%(c)s, %(d)s] と合いません。"
                    )
                    % {
                        "where": vwhere,
                        "a": declared[0],
                        "b": declared[1],
                        "c": computed[0],
                        "d": computed[1],
                    },
                )
                continue
            self.total_ranges.append(declared)
            bands_holder = (
                scope.variant if scope.variant is not None and "bands" in scope.variant else scoring
            )
            if "bands" in bands_holder:
                self.check_bands(bands_holder, declared)

    def check_bands(self, holder: MDict, total: tuple[int, int]) -> None:
        bands = self.sequence(holder, "bands", _("採点"))
        if bands is None:
            return
        low, high = total
        parsed: list[tuple[int, int, str, int]] = []
        codes: set[str] = set()
        for index, band in enumerate(bands):
            line = _kline(bands, index)
            if not isinstance(band, MDict):
                self.add(line, _("得点帯は「キー: 値」の形にしてください。"))
                continue
            where = _("得点帯「%(code)s」") % {"code": band.get("code")}
            self.unknown_keys(band, {"code", "min", "max", "labels", "prompt"}, where)
            code = self.identifier(band, "code", where)
            if code in codes:
                self.add(line, _("得点帯「%(code)s」が重複しています。") % {"code": code})
            codes.add(code)
            self.labels(band, "labels", where)
            self.labels(band, "prompt", where, required=False)
            bmin = self.integer(band, "min", where)
            bmax = self.integer(band, "max", where)
            if bmin is None or bmax is None:
                continue
            if bmin > bmax:
                self.add(
                    line,
                    _("%(where)sの min（%(min)s）が max（%(max)s）より大きくなっています。")
                    % {"where": where, "min": bmin, "max": bmax},
                )
                continue
            if bmin < low or bmax > high:
                self.add(
                    _kline(band, "max" if bmax > high else "min"),
                    _(
                        "%(where)s（%(min)s〜%(max)s点）が合計点の範囲（%(low)s〜%(high)s点）の外に出ています。"
                    )
                    % {"where": where, "min": bmin, "max": bmax, "low": low, "high": high},
                )
            parsed.append((bmin, bmax, str(code), line))
        if not parsed:
            return
        parsed.sort()
        if parsed[0][0] > low:
            self.add(
                parsed[0][3],
                _("%(span)sがどの得点帯にも入りません（得点帯に抜けがあります）。")
                % {"span": _span(low, parsed[0][0] - 1)},
            )
        for (_amin, amax, acode, _aline), (bmin, bmax, bcode, bline) in pairwise(parsed):
            if bmin > amax + 1:
                self.add(
                    bline,
                    _("%(span)sがどの得点帯にも入りません（得点帯に抜けがあります）。")
                    % {"span": _span(amax + 1, bmin - 1)},
                )
            elif bmin <= amax:
                self.add(
                    bline,
                    _(
                        "%(span)sが得点帯「%(x)s」と「%(y)s」の両方に入っています（得点帯が重なっています）。"
                    )
                    % {"span": _span(bmin, min(amax, bmax)), "x": acode, "y": bcode},
                )
        last_max = max(p[1] for p in parsed)
        if last_max < high:
            self.add(
                parsed[-1][3],
                _("%(span)sがどの得点帯にも入りません（得点帯に抜けがあります）。")
                % {"span": _span(last_max + 1, high)},
            )

    def conditions(self, parent: MDict, where: str) -> None:
        conditions = self.sequence(parent, "when", where)
        if conditions is None:
            return
        if not conditions:
            self.add(conditions.line, _("%(where)sの条件（when）が空です。") % {"where": where})
        for index, condition in enumerate(conditions):
            line = _kline(conditions, index)
            if not isinstance(condition, MDict):
                self.add(
                    line, _("%(where)sの条件は「キー: 値」の形にしてください。") % {"where": where}
                )
                continue
            self.unknown_keys(condition, {"item", "score", *CONDITION_OPS}, where)
            ops = [op for op in CONDITION_OPS if op in condition]
            if not ops:
                self.add(
                    line,
                    _("%(where)sの条件に比べ方（%(ops)s のどれか）がありません。")
                    % {"where": where, "ops": ", ".join(CONDITION_OPS)},
                )
            if ("item" in condition) == ("score" in condition):
                self.add(
                    line,
                    _("%(where)sの条件には item か score のどちらか一方を書いてください。")
                    % {"where": where},
                )
                continue
            if "score" in condition:
                self.score_condition(condition, ops, where)
            else:
                self.item_condition(condition, ops, where)

    def score_condition(self, condition: MDict, ops: list[str], where: str) -> None:
        if condition["score"] != "total":
            self.add(_kline(condition, "score"), _("score に書けるのは total だけです。"))
            return
        if "scoring" not in self.data:
            self.add(condition.line, _("採点（scoring）がないため、合計点の条件は使えません。"))
            return
        for op in ops:
            if op not in COMPARISONS:
                self.add(
                    _kline(condition, op),
                    _("合計点の条件に使える比べ方は %(ops)s です。")
                    % {"ops": ", ".join(COMPARISONS)},
                )
                continue
            value = condition[op]
            if not _is_int(value):
                self.add(
                    _kline(condition, op), _("「%(op)s」には整数を書いてください。") % {"op": op}
                )
                continue
            for low, high in self.total_ranges:
                if not low <= value <= high:
                    self.add(
                        _kline(condition, op),
                        _("%(where)sの%(value)s点は、合計点の範囲（%(low)s〜%(high)s点）の外です。")
                        % {"where": where, "value": value, "low": low, "high": high},
                    )

    def item_condition(self, condition: MDict, ops: list[str], where: str) -> None:
        item_id = condition["item"]
        item = self.items.get(item_id)
        if item is None:
            self.add(
                _kline(condition, "item"), _("条件の項目「%(id)s」がありません。") % {"id": item_id}
            )
            return
        item_type = item.get("type")
        values = {o.get("value") for o in item.get("options") or [] if isinstance(o, dict)}
        for op in ops:
            value = condition[op]
            line = _kline(condition, op)
            if op in ("answered", "empty"):
                if not isinstance(value, bool):
                    self.add(
                        line, _("「%(op)s」には true か false を書いてください。") % {"op": op}
                    )
                if op == "empty" and item_type not in ("multi_select_tags", "free_text"):
                    self.add(line, _("「empty」は複数選択と自由記述の項目にだけ使えます。"))
                continue
            if op in ("in", "not_in"):
                if not isinstance(value, list) or not value:
                    self.add(
                        line, _("「%(op)s」には値の並び（リスト）を書いてください。") % {"op": op}
                    )
                    continue
                if item_type in ("free_text", "date"):
                    self.add(
                        line,
                        _("項目「%(id)s」の種類では「%(op)s」は使えません。")
                        % {"id": item_id, "op": op},
                    )
                    continue
                for entry in value:
                    if values and entry not in values:
                        self.add(
                            line,
                            _("条件の値「%(value)s」は項目「%(id)s」の選択肢にありません。")
                            % {"value": entry, "id": item_id},
                        )
                    elif item_type in ("scale", "duration") and not _is_int(entry):
                        self.add(
                            line,
                            _("項目「%(id)s」の条件には整数を書いてください。") % {"id": item_id},
                        )
                    elif item_type == "scale":
                        self.within_scale(item_id, entry, line)
                continue
            # gte / gt / lte / lt
            if item_type not in ("scale", "duration"):
                self.add(
                    line,
                    _("「%(op)s」は目盛り（scale）と期間（duration）の項目にだけ使えます。")
                    % {"op": op},
                )
                continue
            if not _is_int(value):
                self.add(line, _("「%(op)s」には整数を書いてください。") % {"op": op})
                continue
            if item_type == "scale":
                self.within_scale(item_id, value, line)
            elif value < 0:
                self.add(line, _("期間（か月）の条件は0以上にしてください。"))

    def within_scale(self, item_id: str, value: int, line: int) -> None:
        for scope in self.scopes:
            bounds = scope.item_ranges.get(item_id)
            if bounds and not bounds[0] <= value <= bounds[1]:
                self.add(
                    line,
                    _("%(value)s点は項目「%(id)s」の範囲（%(min)s〜%(max)s点）の外です。")
                    % {"value": value, "id": item_id, "min": bounds[0], "max": bounds[1]},
                )

    def reason(self, parent: MDict, where: str) -> None:
        self.labels(parent, "reason", where)
        reason = parent.get("reason")
        if not isinstance(reason, dict):
            return
        for lang in LANGS:
            text = reason.get(lang)
            if not isinstance(text, str):
                continue
            for name in PLACEHOLDER_RE.findall(text):
                if name not in self.items:
                    self.add(
                        _kline(reason, lang),
                        _("%(where)sの理由にある {%(name)s} という項目はありません。")
                        % {"where": where, "name": name},
                    )

    def check_classification(self) -> None:
        section = self.mapping(self.data, "classification", _("定義"), required=False)
        if section is not None:
            self.check_classification_section(section, _("分類（classification）"))
        for variant in self.data.get("variants") or []:
            if isinstance(variant, MDict) and "classification" in variant:
                where = _("バリエーション「%(id)s」") % {"id": variant.get("id")}
                inner = self.mapping(variant, "classification", where)
                if inner is not None:
                    self.check_classification_section(
                        inner, _("%(where)sの分類（classification）") % {"where": where}
                    )

    def check_classification_section(self, section: MDict, where: str) -> None:
        self.unknown_keys(section, {"labels", "results", "groups", "rules", "default"}, where)
        self.labels(section, "labels", where)
        groups = self.mapping(section, "groups", where, required=False) or MDict()
        for key in groups:
            self.labels(groups, key, _("分類のまとまり「%(id)s」") % {"id": key})
        results = self.sequence(section, "results", where)
        codes: set[str] = set()
        for index, result in enumerate(results or []):
            if not isinstance(result, MDict):
                self.add(_kline(results, index), _("分類の結果は「キー: 値」の形にしてください。"))
                continue
            rwhere = _("分類の結果「%(code)s」") % {"code": result.get("code")}
            self.unknown_keys(result, {"code", "labels", "groups"}, rwhere)
            code = self.identifier(result, "code", rwhere)
            if code in codes:
                self.add(
                    result.line, _("分類の結果「%(code)s」が重複しています。") % {"code": code}
                )
            codes.add(code)
            self.labels(result, "labels", rwhere)
            member_of = self.sequence(result, "groups", rwhere, required=False)
            for gindex, group in enumerate(member_of or []):
                if group not in groups:
                    self.add(
                        _kline(member_of, gindex),
                        _("まとまり「%(id)s」が groups にありません。") % {"id": group},
                    )
        rules = self.sequence(section, "rules", where)
        for index, rule in enumerate(rules or []):
            if not isinstance(rule, MDict):
                self.add(_kline(rules, index), _("分類の規則は「キー: 値」の形にしてください。"))
                continue
            rwhere = _("分類の規則%(n)s") % {"n": index + 1}
            self.unknown_keys(rule, {"result", "when", "reason"}, rwhere)
            self.result_code(rule, codes, rwhere)
            self.conditions(rule, rwhere)
            self.reason(rule, rwhere)
        default = self.mapping(section, "default", where)
        if default is not None:
            dwhere = _("分類の既定（default）")
            self.unknown_keys(default, {"result", "reason"}, dwhere)
            self.result_code(default, codes, dwhere)
            self.reason(default, dwhere)

    def result_code(self, rule: MDict, codes: set[str], where: str) -> None:
        if "result" not in rule:
            self.add(rule.line, _("%(where)sに結果「result」がありません。") % {"where": where})
        elif rule["result"] not in codes:
            self.add(
                _kline(rule, "result"),
                _("%(where)sの結果「%(code)s」が results にありません。")
                % {"where": where, "code": rule["result"]},
            )

    def check_risk(self) -> None:
        rules = self.sequence(self.data, "risk", _("定義"), required=False)
        seen: set[str] = set()
        for index, rule in enumerate(rules or []):
            if not isinstance(rule, MDict):
                self.add(_kline(rules, index), _("リスクの規則は「キー: 値」の形にしてください。"))
                continue
            where = _("リスクの規則「%(id)s」") % {"id": rule.get("id")}
            self.unknown_keys(rule, {"id", "labels", "when", "flag", "checklist"}, where)
            rule_id = self.identifier(rule, "id", where)
            if rule_id in seen:
                self.add(
                    rule.line, _("リスクの規則ID「%(id)s」が重複しています。") % {"id": rule_id}
                )
            seen.add(rule_id)
            self.labels(rule, "labels", where)
            if "flag" in rule and rule["flag"] not in RISK_FLAGS:
                self.add(
                    _kline(rule, "flag"),
                    _("リスクの種類「%(flag)s」はありません。使える種類: %(flags)s")
                    % {"flag": rule["flag"], "flags": ", ".join(RISK_FLAGS)},
                )
            self.conditions(rule, where)
            checklist = self.sequence(rule, "checklist", where)
            if checklist is not None and not checklist:
                self.add(
                    checklist.line,
                    _("%(where)sの確認すること（checklist）が空です。") % {"where": where},
                )
            for cindex, entry in enumerate(checklist or []):
                holder = MDict({"labels": entry})
                holder.line = _kline(checklist, cindex)
                holder.key_lines = {"labels": holder.line}
                self.labels(
                    holder,
                    "labels",
                    _("%(where)sの確認すること%(n)s") % {"where": where, "n": cindex + 1},
                )


def validate_data(data: Any) -> list[Problem]:
    return _Checker(data).run()


def validate_text(text: str) -> list[Problem]:
    """Every problem of a definition file, in line order; empty when it can be used."""
    try:
        data = parse(text)
    except DefinitionError as error:
        return error.problems
    return validate_data(data)


def load(text: str) -> dict:
    """The plain definition of a valid file; DefinitionError listing the problems otherwise."""
    try:
        data = parse(text)
    except DefinitionError:
        raise
    problems = validate_data(data)
    if problems:
        raise DefinitionError(problems)
    return to_plain(data)


@lru_cache(maxsize=256)
def load_cached(text: str) -> dict:
    """load() for stored texts, which were validated when stored. Treat the result as
    read-only; resolve() hands out copies."""
    return load(text)


# ---------------------------------------------------------------------------------------------
# Resolution: one concrete form per variant
# ---------------------------------------------------------------------------------------------


def default_variant(definition: dict) -> str:
    variants = definition.get("variants") or []
    for variant in variants:
        if variant.get("default"):
            return variant["id"]
    return variants[0]["id"] if variants else ""


def resolve(definition: dict, variant_id: str = "") -> dict:
    """The definition as a response answers it: the variant's scale, range and bands applied,
    the variant list dropped, and `variant` naming the one used. This is what is snapshotted."""
    resolved = copy.deepcopy(definition)
    variants = resolved.pop("variants", None) or []
    resolved["variant"] = ""
    if not variants:
        return resolved
    chosen = next((v for v in variants if v["id"] == variant_id), None)
    if chosen is None:
        chosen = next((v for v in variants if v["id"] == default_variant(definition)), variants[0])
    resolved["variant"] = chosen["id"]
    resolved["variant_labels"] = chosen.get("labels", {})
    scale = chosen.get("scale")
    if scale:
        for item in resolved["items"]:
            if item["type"] == "scale" and "min" not in item:
                item["min"], item["max"] = scale["min"], scale["max"]
                if "anchors" in scale:
                    item["anchors"] = copy.deepcopy(scale["anchors"])
    scoring = resolved.get("scoring")
    if scoring is not None:
        for key in ("range", "bands"):
            if key in chosen:
                scoring[key] = copy.deepcopy(chosen[key])
    for key in ("description", "convention", "source", "classification"):
        if key in chosen:
            resolved[key] = copy.deepcopy(chosen[key])
    return resolved


def variant_choices(definition: dict) -> list[tuple[str, dict]]:
    return [(v["id"], v.get("labels", {})) for v in definition.get("variants") or []]
