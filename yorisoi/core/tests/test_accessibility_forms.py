"""Every form field rendered through core's field template is labelled, marks 「必須」, and ties
its help text and errors to the input (aria-describedby, aria-invalid)."""

from __future__ import annotations

from html.parser import HTMLParser

from django import forms


class _Elements(HTMLParser):
    """Collects every element's attributes and text, by id and in document order."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in {"input", "br", "img", "meta", "link"}:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def by_id(self, element_id: str) -> dict:
        return next(e for e in self.elements if e["attrs"].get("id") == element_id)

    def first(self, tag: str, **attrs) -> dict:
        return next(
            e
            for e in self.elements
            if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())
        )


class SampleForm(forms.Form):
    name = forms.CharField(label="呼び名", help_text="本名でなくてかまいません。")
    memo = forms.CharField(label="メモ", required=False)
    method = forms.ChoiceField(
        label="相談方法",
        choices=[("phone", "電話"), ("visit", "来所")],
        widget=forms.RadioSelect,
        help_text="いちばん近いものを選んでください。",
    )
    agreed = forms.BooleanField(label="同意を確認しました")


def _render(form, name):
    return _Elements(str(form[name].as_field_group()))


def test_required_field_has_label_mark_help_and_no_error_when_fresh():
    page = _render(SampleForm(), "name")
    label = page.first("label", **{"for": "id_name"})
    assert "呼び名" in label["text"]
    assert "必須" in label["text"]
    field = page.by_id("id_name")
    assert "required" in field["attrs"]
    assert field["attrs"]["aria-describedby"] == "id_name_helptext"
    assert "aria-invalid" not in field["attrs"]
    assert page.by_id("id_name_helptext")["text"] == "本名でなくてかまいません。"


def test_optional_field_is_not_marked_required():
    label = _render(SampleForm(), "memo").first("label", **{"for": "id_memo"})
    assert "メモ" in label["text"]
    assert "必須" not in label["text"]


def test_error_is_tied_to_the_input_and_marks_it_invalid():
    form = SampleForm(data={})
    assert not form.is_valid()
    page = _render(form, "name")
    field = page.by_id("id_name")
    assert field["attrs"]["aria-invalid"] == "true"
    assert field["attrs"]["aria-describedby"].split() == ["id_name_helptext", "id_name_error"]
    assert page.by_id("id_name_error")["text"].strip()


def test_radio_group_is_a_fieldset_with_legend_and_described_by_its_help_and_error():
    page = _render(SampleForm(data={}), "method")
    fieldset = page.first("fieldset")
    assert fieldset["attrs"]["aria-describedby"].split() == [
        "id_method_helptext",
        "id_method_error",
    ]
    legend = page.first("legend")
    assert "相談方法" in legend["text"]
    assert "必須" in legend["text"]
    assert page.by_id("id_method_error")["text"].strip()


def test_checkbox_keeps_its_label_and_error():
    page = _render(SampleForm(data={}), "agreed")
    label = page.first("label", **{"for": "id_agreed"})
    assert "同意を確認しました" in label["text"]
    checkbox = page.by_id("id_agreed")
    assert checkbox["attrs"]["type"] == "checkbox"
    assert checkbox["attrs"]["aria-invalid"] == "true"
    assert checkbox["attrs"]["aria-describedby"] == "id_agreed_error"


def test_whole_form_renders_every_field_through_the_same_template():
    html = str(SampleForm(data={}))
    assert html.count('class="field') == 4
    assert html.count('class="required"') == 3
