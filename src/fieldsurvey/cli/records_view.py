"""How records and revisions look on the command line: the documented JSON and a readable text."""

from __future__ import annotations

from typing import Any

from fieldsurvey.core.forms.evaluation import path_of
from fieldsurvey.core.forms.labels import render_label
from fieldsurvey.core.forms.model import ROW_ID, ChoiceList, Field, Form, Group, Repeat, pick
from fieldsurvey.core.store.models import Record, Revision
from fieldsurvey.core.workspace import Workspace

# The words of the record header, for --lang zh (the command line has no Qt translator).
HEADINGS: dict[str, dict[str, str]] = {
    "zh": {
        "uuid": "记录标识",
        "village": "村庄",
        "form": "表单",
        "enumerator": "调查员",
        "created": "创建时间",
        "updated": "更新时间",
        "draft": "草稿",
        "complete": "已完成",
        "approved": "已批准",
        "rejected": "已退回",
    },
}


def heading(word: str, lang: str | None) -> str:
    """*word* (a header word or a record status) in *lang*; English when there is none."""
    return HEADINGS.get(lang or "en", {}).get(word, word)


def field_text(word: str, value: str, lang: str | None) -> str:
    """``uuid: …`` in English, ``记录标识：…`` in Chinese (a full-width colon, no space)."""
    colon = "：" if lang == "zh" else ": "
    return f"{heading(word, lang)}{colon}{value}"


def record_json(record: Record, *, answers: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "uuid": record.id,
        "form_id": record.form_id,
        "form_version": record.form_version,
        "village_code": record.village_code,
        "status": record.status,
        "enumerator": record.enumerator,
        "device_id": record.device_id,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "head_revision": record.head_revision_id,
        "conflicts": record.conflicts,
        "review_flag": record.review_flag,
    }
    if answers:
        out["answers"] = record.answers_dict()
    return out


def revision_json(rev: Revision, prev: Revision | None) -> dict[str, Any]:
    now, before = rev.answers_dict(), (prev.answers_dict() if prev else {})
    changed = sorted(k for k in set(now) | set(before) if now.get(k) != before.get(k))
    return {
        "id": rev.id,
        "record": rev.record_id,
        "parents": rev.parents_list(),
        "author": rev.author,
        "device_id": rev.device_id,
        "hlc": rev.hlc,
        "created_at": rev.created_at,
        "status": rev.status,
        "kind": rev.kind,
        "hash": rev.hash,
        "changed": changed,
    }


def show_record(ws: Workspace, record: Record, *, lang: str | None) -> None:
    form = ws.form(record.form_id, record.form_version)
    answers = record.answers_dict()
    ev = ws.evaluate(form, answers, complete=record.status == "complete", lang=lang)
    print(f"{form.title_in(lang)}  [{heading(record.status, lang)}]")
    print(
        "   ".join(
            [
                field_text("uuid", record.id, lang),
                field_text("village", record.village_code or "-", lang),
                field_text("form", f"{record.form_id} v{record.form_version}", lang),
            ]
        )
    )
    print(
        "   ".join(
            [
                field_text("enumerator", record.enumerator or "-", lang),
                field_text("created", record.created_at, lang),
                field_text("updated", record.updated_at, lang),
            ]
        )
    )

    def value_text(f: Field, value: Any) -> str:
        clist = form.choice_list(f)
        if clist and value is not None:
            codes = value if isinstance(value, list) else [value]
            return ", ".join(_choice(form, clist, c, lang) for c in codes)
        return "" if value is None else str(value)

    def label(node, row: dict) -> str:
        return render_label(form.label(node, lang), lambda n: row.get(n, ev.answers.get(n)))

    def has_content(group: Group, row: dict) -> bool:
        return any(
            isinstance(n, Field)
            and n.has_answer
            and row.get(n.name) is not None
            or isinstance(n, Repeat)
            and row.get(n.name)
            for n in group.walk()
        )

    def walk(group: Group, row: dict, rows: tuple, depth: int) -> None:
        pad = "  " * depth
        for node in group.children:
            if not ev.is_relevant(path_of(rows, node.name)):
                continue
            if isinstance(node, Repeat):
                for i, r in enumerate(row.get(node.name) or []):
                    print(f"{pad}{label(node, r)} [{i + 1}]  ({r.get(ROW_ID, '')[:8]})")
                    walk(node, r, (*rows, (node.name, i)), depth + 1)
            elif isinstance(node, Group):
                if not has_content(node, row):
                    continue
                print(f"{pad}== {label(node, row)} ==")
                walk(node, row, rows, depth + 1)
            elif isinstance(node, Field) and node.has_answer and row.get(node.name) is not None:
                print(f"{pad}{label(node, row)}: {value_text(node, row.get(node.name))}")

    walk(form.root, ev.answers, (), 0)
    for problem in ev.problems:
        print(f"! {problem}")


def _choice(form: Form, clist: ChoiceList, code: str, lang: str | None) -> str:
    choice = clist.get(code)
    if choice is None:
        return code
    label = pick(choice.labels, lang, form.default_language)
    return f"{label} ({code})" if label and label != code else code
