"""Scoring a response against its resolved definition: totals, bands, classification with its
reason, and the risk rules an answer set triggers. Pure functions over plain data, so a stored
snapshot gives the same result for ever.

Answers are a dict {item_id: value} in the stored form:
  single_choice -> option value (str); scale -> int; duration -> int (months);
  date -> "YYYY-MM-DD"; free_text -> str; multi_select_tags -> {"tags": [...], "free": [...]}.
An unanswered item is absent.
"""

from __future__ import annotations

from typing import Any

from .definitions import LANGS, PLACEHOLDER_RE


def pick(labels: Any, lang: str) -> str:
    """The label in `lang`, falling back to Japanese (the source language)."""
    if isinstance(labels, dict):
        return str(labels.get(lang) or labels.get("ja") or "")
    return "" if labels is None else str(labels)


def items_by_id(definition: dict) -> dict[str, dict]:
    return {item["id"]: item for item in definition.get("items", [])}


def is_answered(value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, dict):
        return bool(value.get("tags") or value.get("free"))
    return True


def required_items(definition: dict) -> list[str]:
    """Items a complete response must answer: those marked required and every scored item."""
    scored = set(scored_item_ids(definition))
    return [i["id"] for i in definition.get("items", []) if i.get("required") or i["id"] in scored]


def missing_items(definition: dict, answers: dict) -> list[str]:
    return [i for i in required_items(definition) if not is_answered(answers.get(i))]


def scored_item_ids(definition: dict) -> list[str]:
    scoring = definition.get("scoring")
    if not scoring:
        return []
    if "items" in scoring:
        return list(scoring["items"])
    return [i["id"] for i in definition.get("items", []) if i["type"] == "scale"]


def item_score(item: dict, value: Any, *, reverse: bool = False) -> int:
    if item["type"] == "scale":
        raw = int(value)
        return item["min"] + item["max"] - raw if reverse else raw
    for option in item.get("options", []):
        if option["value"] == value:
            return int(option["score"])
    raise ValueError(f"{value!r} is not an option of {item['id']}")


def total_score(definition: dict, answers: dict) -> tuple[int | None, dict[str, int]]:
    """The sum over the scored items (reverse items turned round); None unless all answered."""
    scoring = definition.get("scoring")
    if not scoring:
        return None, {}
    items = items_by_id(definition)
    reverse = set(scoring.get("reverse", []))
    per_item: dict[str, int] = {}
    for item_id in scored_item_ids(definition):
        value = answers.get(item_id)
        if not is_answered(value):
            return None, per_item
        per_item[item_id] = item_score(items[item_id], value, reverse=item_id in reverse)
    return sum(per_item.values()), per_item


def band_for(definition: dict, total: int | None) -> dict | None:
    if total is None:
        return None
    for band in (definition.get("scoring") or {}).get("bands", []):
        if band["min"] <= total <= band["max"]:
            return band
    return None


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "gte":
        return actual >= expected
    if op == "gt":
        return actual > expected
    if op == "lte":
        return actual <= expected
    if op == "lt":
        return actual < expected
    raise ValueError(op)


def condition_holds(condition: dict, answers: dict, total: int | None) -> bool:
    """One condition. An unanswered item or a missing total makes every test false except
    `answered: false` and `empty: true`, so a draft never fires a rule on what it lacks."""
    if "score" in condition:
        if total is None:
            return False
        return all(
            _compare(op, total, condition[op])
            for op in ("gte", "gt", "lte", "lt")
            if op in condition
        )
    value = answers.get(condition["item"])
    answered = is_answered(value)
    for op, expected in condition.items():
        if op == "item":
            continue
        if op == "answered":
            if answered != expected:
                return False
        elif op == "empty":
            if answered == expected:
                return False
        elif not answered:
            return False
        elif op in ("in", "not_in"):
            chosen = set(value.get("tags", [])) if isinstance(value, dict) else {value}
            hit = bool(chosen & set(expected))
            if hit != (op == "in"):
                return False
        elif not _compare(op, value, expected):
            return False
    return True


def conditions_hold(conditions: list[dict], answers: dict, total: int | None) -> bool:
    return all(condition_holds(c, answers, total) for c in conditions)


def duration_text(months: int, lang: str) -> str:
    years, rest = divmod(int(months), 12)
    if lang == "ja":
        if years and rest:
            return f"{years}年{rest}か月"
        if years:
            return f"{years}年"
        return f"{rest}か月"
    parts = []
    if years:
        parts.append(f"{years} year" + ("s" if years != 1 else ""))
    if rest or not years:
        parts.append(f"{rest} month" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def answer_text(
    item: dict, value: Any, lang: str, vocabulary: dict[str, dict] | None = None
) -> str:
    """An answer as a person reads it, in `lang`. Vocabulary maps term code -> labels."""
    if not is_answered(value):
        return ""
    kind = item["type"]
    sep = "、" if lang == "ja" else ", "
    if kind == "single_choice":
        for option in item.get("options", []):
            if option["value"] == value:
                return pick(option["labels"], lang)
        return str(value)
    if kind == "scale":
        anchors = item.get("anchors") or []
        index = int(value) - item["min"]
        if 0 <= index < len(anchors):
            return (
                f"{value}（{pick(anchors[index], lang)}）"
                if lang == "ja"
                else (f"{value} ({pick(anchors[index], lang)})")
            )
        return str(value)
    if kind == "duration":
        return duration_text(value, lang)
    if kind == "multi_select_tags":
        options = {o["value"]: o["labels"] for o in item.get("options", [])}
        words = []
        for code in value.get("tags", []):
            if code in options:
                words.append(pick(options[code], lang))
            elif vocabulary and code in vocabulary:
                words.append(pick(vocabulary[code], lang))
            else:
                words.append(code)
        words.extend(value.get("free", []))
        return sep.join(words)
    return str(value)


def fill_reason(template: str, definition: dict, answers: dict, lang: str) -> str:
    items = items_by_id(definition)

    def replace(match) -> str:
        item = items.get(match.group(1))
        if item is None:
            return match.group(0)
        return answer_text(item, answers.get(item["id"]), lang) or "—"

    return PLACEHOLDER_RE.sub(replace, template)


def classify(definition: dict, answers: dict, total: int | None) -> dict | None:
    """The first matching rule's result with its reason in both languages, or the default."""
    section = definition.get("classification")
    if not section:
        return None
    chosen = section["default"]
    for rule in section.get("rules", []):
        if conditions_hold(rule["when"], answers, total):
            chosen = rule
            break
    results = {r["code"]: r for r in section["results"]}
    result = results[chosen["result"]]
    groups = section.get("groups", {})
    return {
        "code": result["code"],
        "labels": result["labels"],
        "title": section["labels"],
        "groups": [{"code": g, "labels": groups[g]} for g in result.get("groups", [])],
        "reason": {
            lang: fill_reason(chosen["reason"][lang], definition, answers, lang) for lang in LANGS
        },
    }


def triggered_risks(definition: dict, answers: dict, total: int | None) -> list[dict]:
    return [
        {
            "id": rule["id"],
            "labels": rule["labels"],
            "flag": rule.get("flag", ""),
            "checklist": rule["checklist"],
        }
        for rule in definition.get("risk", [])
        if conditions_hold(rule["when"], answers, total)
    ]


def evaluate(definition: dict, answers: dict, *, complete: bool) -> dict:
    """The stored result of a response. A draft (complete=False) gets no total, band or
    classification, only the risks its answered items already show."""
    if not complete:
        return {"complete": False, "risks": triggered_risks(definition, answers, None)}
    total, per_item = total_score(definition, answers)
    scoring = definition.get("scoring") or {}
    band = band_for(definition, total)
    return {
        "complete": True,
        "total": total,
        "range": scoring.get("range"),
        "item_scores": per_item,
        "band": (
            {k: band[k] for k in ("code", "min", "max", "labels", "prompt") if k in band}
            if band
            else None
        ),
        "classification": classify(definition, answers, total),
        "risks": triggered_risks(definition, answers, total),
    }


def tags_of(definition: dict, answers: dict) -> dict[str, dict]:
    """Tags that other apps read (resource matching): by vocabulary name, or by item id for
    items with their own options. {"interests": {"tags": [...], "free": [...]}, ...}"""
    out: dict[str, dict] = {}
    for item in definition.get("items", []):
        if item["type"] != "multi_select_tags":
            continue
        value = answers.get(item["id"])
        if not is_answered(value):
            continue
        key = item.get("vocabulary") or item["id"]
        bucket = out.setdefault(key, {"tags": [], "free": []})
        bucket["tags"].extend(t for t in value.get("tags", []) if t not in bucket["tags"])
        bucket["free"].extend(t for t in value.get("free", []) if t not in bucket["free"])
    return out
