"""Forms. The assessment form is built from the instruments' resolved definitions: one block
per instrument, one field (or a small group) per item, named <instrument>__<item>."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import definitions, scoring
from .models import InstrumentDefinition, InstrumentResponse, Vocabulary, VocabularyTerm
from .services import Entry

MAX_FREE_TAGS = 20
MAX_TAG_LENGTH = 50
FREE_TAG_SPLIT = re.compile(r"[、,，\n]+")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _lang() -> str:
    return (get_language() or "ja")[:2]


def field_name(instrument_id: str, item_id: str, part: str = "") -> str:
    return f"{instrument_id}__{item_id}" + (f"__{part}" if part else "")


@dataclass
class InstrumentSpec:
    """An instrument as the form offers it: the stored definition row, the resolved snapshot
    the answers will be given on, and the draft response already holding answers, if any."""

    definition: InstrumentDefinition
    snapshot: dict
    response: InstrumentResponse | None = None

    @property
    def instrument_id(self) -> str:
        return self.snapshot["id"]


@dataclass
class ItemFields:
    item: dict
    fields: list  # BoundFields, in order
    legend: str = ""  # set for items drawn as a group of several fields (duration)
    required: bool = False


@dataclass
class Block:
    spec: InstrumentSpec
    sections: list[tuple[dict | None, list[ItemFields]]] = field(default_factory=list)

    @property
    def snapshot(self) -> dict:
        return self.spec.snapshot

    @property
    def required(self) -> bool:
        return bool(self.snapshot.get("required"))

    @property
    def grid(self) -> dict | None:
        """Columns and rows for a compact grid of radio buttons, when every item is a scale
        item on the same points (K6, loneliness); None for any other instrument."""
        entries = [e for _section, group in self.sections for e in group]
        items = [e.item for e in entries]
        if len(items) < 2 or any(i["type"] != "scale" for i in items):
            return None
        first = items[0]
        shape = (first["min"], first["max"], first.get("anchors"))
        if any((i["min"], i["max"], i.get("anchors")) != shape for i in items):
            return None
        anchors = first.get("anchors") or []
        lang = _lang()
        columns = [
            {
                "value": n,
                "label": scoring.pick(anchors[n - first["min"]], lang)
                if n - first["min"] < len(anchors)
                else "",
            }
            for n in range(first["min"], first["max"] + 1)
        ]
        return {"columns": columns, "rows": entries}


class AssessmentForm(forms.Form):
    """Saving a draft accepts any subset of answers; completing needs every required item of
    each instrument that has any answer. Instruments left blank are not part of it."""

    use_required_attribute = False  # a draft may be saved half-filled

    assessed_on = forms.DateField(
        label=_("実施日"),
        widget=DateInput(),
        error_messages={
            "required": _("実施日を入力してください。"),
            "invalid": _("実施日を「2025-04-01」の形で入力してください。"),
        },
    )
    note = forms.CharField(
        label=_("全体の所見"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("本人・家族の言葉や、次に確かめたいことなど。"),
    )
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(
        self,
        *args,
        specs: list[InstrumentSpec],
        vocabulary: dict[str, list[VocabularyTerm]],
        completing: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.specs = specs
        self.completing = completing
        self.vocabulary = vocabulary
        self._answer_fields: set[str] = set()
        self._items: dict[str, list[tuple[dict, list[str]]]] = {}  # instrument -> [(item, names)]
        lang = _lang()
        for spec in specs:
            initial = spec.response.answers if spec.response else {}
            entries = self._items.setdefault(spec.instrument_id, [])
            for item in spec.snapshot["items"]:
                names = self._add_item(spec.instrument_id, item, initial.get(item["id"]), lang)
                entries.append((item, names))
        self._entries: list[Entry] = []

    # -- building ----------------------------------------------------------------------------

    def _add(self, name: str, form_field: forms.Field, initial: Any = None) -> str:
        self.fields[name] = form_field
        self._answer_fields.add(name)
        if initial not in (None, "", []):
            self.initial[name] = initial
        return name

    def _add_item(self, instrument_id: str, item: dict, value: Any, lang: str) -> list[str]:
        kind = item["type"]
        label = scoring.pick(item["labels"], lang)
        help_text = scoring.pick(item.get("help"), lang)
        required = bool(item.get("required")) or kind == "scale"
        name = field_name(instrument_id, item["id"])
        common = {"label": label, "help_text": help_text, "required": required}
        if kind == "single_choice":
            choices = [(o["value"], scoring.pick(o["labels"], lang)) for o in item["options"]]
            return [
                self._add(
                    name,
                    forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common),
                    value,
                )
            ]
        if kind == "scale":
            anchors = item.get("anchors") or []
            choices = []
            for n in range(item["min"], item["max"] + 1):
                index = n - item["min"]
                text = scoring.pick(anchors[index], lang) if index < len(anchors) else ""
                choices.append(
                    (
                        n,
                        f"{n}：{text}"
                        if text and lang == "ja"
                        else (f"{n}: {text}" if text else str(n)),
                    )
                )
            return [
                self._add(
                    name,
                    forms.TypedChoiceField(
                        choices=choices, coerce=int, widget=forms.RadioSelect, **common
                    ),
                    value,
                )
            ]
        if kind == "multi_select_tags":
            value = value or {}
            if "options" in item:
                choices = [(o["value"], scoring.pick(o["labels"], lang)) for o in item["options"]]
            else:
                terms = self.vocabulary.get(item["vocabulary"], [])
                chosen = set(value.get("tags", []))
                choices = [
                    (t.code, scoring.pick(t.labels, lang))
                    for t in terms
                    if t.is_active or t.code in chosen
                ]
                known = {c for c, _label in choices}
                choices += [(code, code) for code in value.get("tags", []) if code not in known]
            names = [
                self._add(
                    name,
                    forms.MultipleChoiceField(
                        choices=choices, widget=forms.CheckboxSelectMultiple, **common
                    ),
                    value.get("tags"),
                )
            ]
            if item.get("allow_free"):
                names.append(
                    self._add(
                        field_name(instrument_id, item["id"], "free"),
                        forms.CharField(
                            label=_("%(label)s：その他") % {"label": label},
                            required=False,
                            max_length=1000,
                            help_text=_(
                                "選択肢にないものを自由に書けます。複数あるときは読点「、」で区切ります。"
                            ),
                        ),
                        "、".join(value.get("free", [])),
                    )
                )
            return names
        if kind == "free_text":
            max_length = item.get("max_length", definitions.DEFAULT_TEXT_LENGTH)
            return [
                self._add(
                    name,
                    forms.CharField(
                        widget=forms.Textarea(attrs={"rows": 3}), max_length=max_length, **common
                    ),
                    value,
                )
            ]
        if kind == "date":
            return [
                self._add(
                    name,
                    forms.DateField(
                        widget=DateInput(),
                        error_messages={
                            "invalid": _("日付を「2025-04-01」の形で入力してください。")
                        },
                        **common,
                    ),
                    value,
                )
            ]
        if kind == "duration":
            years, months = divmod(int(value), 12) if value is not None else (None, None)
            return [
                self._add(
                    field_name(instrument_id, item["id"], "years"),
                    forms.IntegerField(
                        label=_("年"),
                        min_value=0,
                        max_value=99,
                        required=False,
                        error_messages={"min_value": _("0以上の数を入力してください。")},
                    ),
                    years,
                ),
                self._add(
                    field_name(instrument_id, item["id"], "months"),
                    forms.IntegerField(
                        label=_("か月"),
                        min_value=0,
                        max_value=11,
                        required=False,
                        error_messages={
                            "min_value": _("0以上の数を入力してください。"),
                            "max_value": _("12か月以上は「年」に繰り上げて入力してください。"),
                        },
                    ),
                    months,
                ),
            ]
        raise ValueError(kind)

    @property
    def blocks(self) -> list[Block]:
        lang = _lang()
        blocks = []
        for spec in self.specs:
            block = Block(spec)
            titles = {s["id"]: s for s in spec.snapshot.get("sections", [])}
            grouped: dict[str | None, list[ItemFields]] = {}
            for item, names in self._items[spec.instrument_id]:
                entry = ItemFields(
                    item=item,
                    fields=[self[n] for n in names],
                    required=bool(item.get("required")) or item["type"] == "scale",
                )
                if item["type"] == "duration":
                    entry.legend = scoring.pick(item["labels"], lang)
                grouped.setdefault(item.get("section"), []).append(entry)
            block.sections = [(titles.get(key), entries) for key, entries in grouped.items()]
            blocks.append(block)
        return blocks

    # -- validation --------------------------------------------------------------------------

    def full_clean(self):
        # Fields say 「必須」 for what completing needs; a draft may leave them empty, and an
        # instrument nobody touched is simply not part of the assessment.
        saved = {name: self.fields[name].required for name in self._answer_fields}
        for name in saved:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name, required in saved.items():
                self.fields[name].required = required

    def clean_assessed_on(self):
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("実施日が未来の日付になっています。"))
        return value

    def _answer(self, instrument_id: str, item: dict) -> Any:
        data = self.cleaned_data
        name = field_name(instrument_id, item["id"])
        kind = item["type"]
        if kind == "duration":
            years = data.get(f"{name}__years")
            months = data.get(f"{name}__months")
            if years is None and months is None:
                return None
            return (years or 0) * 12 + (months or 0)
        if kind == "multi_select_tags":
            tags = list(data.get(name) or [])
            free_text = data.get(f"{name}__free") or ""
            free: list[str] = []
            for word in FREE_TAG_SPLIT.split(free_text):
                word = word.strip()
                if word and word not in free:
                    free.append(word)
            if len(free) > MAX_FREE_TAGS or any(len(w) > MAX_TAG_LENGTH for w in free):
                self.add_error(
                    f"{name}__free",
                    _("自由記入のタグは%(n)s個まで、1つ%(length)s文字以内にしてください。")
                    % {"n": MAX_FREE_TAGS, "length": MAX_TAG_LENGTH},
                )
            exclusive = set(item.get("exclusive", []))
            if exclusive & set(tags) and (len(tags) > 1 or free):
                labels = {
                    o["value"]: scoring.pick(o["labels"], _lang()) for o in item.get("options", [])
                }
                self.add_error(
                    name,
                    _("「%(option)s」は、ほかの選択肢と同時には選べません。")
                    % {"option": "、".join(labels[v] for v in exclusive & set(tags))},
                )
            return {"tags": tags, "free": free} if tags or free else None
        value = data.get(name)
        if kind == "free_text":
            return (value or "").strip() or None
        if kind == "date":
            if value is None:
                return None
            if value > timezone.localdate():
                self.add_error(name, _("未来の日付は入力できません。"))
            return value.isoformat()
        if kind == "scale":
            return value if value not in (None, "") else None
        return value or None

    def clean(self):
        data = super().clean()
        entries: list[Entry] = []
        for spec in self.specs:
            answers = {}
            for item, _names in self._items[spec.instrument_id]:
                value = self._answer(spec.instrument_id, item)
                if value is not None:
                    answers[item["id"]] = value
            if not answers and self.completing and spec.snapshot.get("required"):
                title = scoring.pick(spec.snapshot["labels"], _lang())
                for item, names in self._items[spec.instrument_id]:
                    if item["id"] in scoring.required_items(spec.snapshot):
                        self.add_error(
                            names[0],
                            _("完了するには、「%(title)s」のこの項目に答えてください。")
                            % {"title": title},
                        )
                continue
            if not answers:
                continue
            if self.completing:
                for item_id in scoring.missing_items(spec.snapshot, answers):
                    names = dict((i["id"], n) for i, n in self._items[spec.instrument_id])[item_id]
                    self.add_error(names[0], _("完了するには、この項目に答えてください。"))
            entries.append(Entry(spec.definition, spec.snapshot, answers))
        if self.completing and not entries:
            raise forms.ValidationError(_("完了するには、少なくとも1つの尺度に回答してください。"))
        if not entries and not (data.get("note") or "").strip():
            raise forms.ValidationError(
                _("保存する内容がありません。少なくとも1つの項目に記入してください。")
            )
        self._entries = entries
        return data

    def entries(self) -> list[Entry]:
        return self._entries


class DefinitionUploadForm(forms.Form):
    MAX_BYTES = 256 * 1024

    center = forms.ModelChoiceField(label=_("センター"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("定義ファイル（YAML または JSON）"),
        help_text=_(
            "書き方は運用ガイド（docs/assessments.md）にあります。受け付ける前に内容を検査します。"
        ),
        error_messages={"required": _("定義ファイルを選んでください。")},
    )

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        if centers.count() == 1:
            self.fields["center"].initial = centers.first()
            self.fields["center"].widget = forms.HiddenInput()

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("ファイルが大きすぎます（%(kb)s KB まで）。") % {"kb": self.MAX_BYTES // 1024}
            )
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("文字コードを UTF-8 にして保存し直してください。")
            ) from exc
        self.filename = upload.name
        return text


class InstrumentSettingForm(forms.Form):
    variant = forms.ChoiceField(label=_("回答の段階"), widget=forms.RadioSelect)

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        lang = _lang()
        self.fields["variant"].choices = [
            (variant_id, scoring.pick(labels, lang))
            for variant_id, labels in definitions.variant_choices(definition)
        ]
        if definition.get("variants_label"):
            # e.g. which survey's definition a classification follows, rather than a scale.
            self.fields["variant"].label = scoring.pick(definition["variants_label"], lang)


class VocabularyTermForm(forms.Form):
    vocabulary = forms.ChoiceField(label=_("語彙"), choices=Vocabulary.choices)
    code = forms.SlugField(
        label=_("コード"),
        max_length=50,
        help_text=_("英小文字・数字・下線で。あとから変えられません（回答に記録されます）。"),
    )
    label_ja = forms.CharField(label=_("表示名（日本語）"), max_length=100)
    label_en = forms.CharField(label=_("表示名（英語）"), max_length=100)
    order = forms.IntegerField(label=_("表示順"), min_value=0, max_value=10000, initial=100)
    is_active = forms.BooleanField(label=_("選択肢に表示する"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["vocabulary"]
            del self.fields["code"]
        else:
            del self.fields["is_active"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if not definitions.ID_RE.match(code):
            raise forms.ValidationError(
                _("英小文字で始め、英小文字・数字・下線だけにしてください。")
            )
        return code


class RiskAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("確認時のメモ"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("担当者と決めた対応など。"),
    )
