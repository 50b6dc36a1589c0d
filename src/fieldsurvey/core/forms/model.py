"""The typed form tree built from an XLSForm workbook.

Names are unique across the whole form, so answers are a flat mapping from field name to value;
a repeat's answer is a list of row mappings, each row carrying its stable ``_row_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from fieldsurvey.core.forms.expr import Expr

ROW_ID = "_row_id"

Labels = dict[str, str]  # language code ("en", "zh", or "" for unlabelled columns) -> text


def pick(labels: Labels, lang: str | None, default_lang: str | None = None) -> str:
    """The text for *lang*, falling back to the default language, then to any text."""
    for key in (lang, default_lang, ""):
        if key is not None and labels.get(key):
            return labels[key]
    return next((v for v in labels.values() if v), "")


@dataclass
class Choice:
    name: str
    labels: Labels = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # further columns, for choice_filter

    def column(self, key: str, lang: str | None, default_lang: str | None = None) -> str:
        """A column of this choice, as a bare name in a ``choice_filter`` reads it."""
        if key == "name":
            return self.name
        if key == "label":
            return pick(self.labels, lang, default_lang)
        return self.extra.get(key, "")


@dataclass
class ChoiceList:
    name: str
    choices: list[Choice] = field(default_factory=list)

    def get(self, name: str) -> Choice | None:
        return next((c for c in self.choices if c.name == name), None)


@dataclass
class Node:
    name: str
    kind: str  # a question type name, "group" or "repeat"
    row: int = 0  # 1-based row on the survey sheet
    labels: Labels = field(default_factory=dict)
    hints: Labels = field(default_factory=dict)
    relevant: Expr | None = None
    appearance: str = ""
    parent: Group | None = field(default=None, repr=False, compare=False)

    @property
    def repeat(self) -> Repeat | None:
        """The innermost repeat that holds this node."""
        p = self.parent
        while p is not None and not isinstance(p, Repeat):
            p = p.parent
        return p

    def ancestors(self) -> list[Group]:
        out, p = [], self.parent
        while p is not None:
            out.append(p)
            p = p.parent
        return out[::-1]


@dataclass
class Field(Node):
    list_name: str = ""  # select_one / select_multiple / select_one_from_file
    file: str = ""  # select_one_from_file: CSV beside the form
    required: Expr | None = None
    required_message: Labels = field(default_factory=dict)
    constraint: Expr | None = None
    constraint_message: Labels = field(default_factory=dict)
    calculation: Expr | None = None
    default: str = ""
    read_only: bool = False
    choice_filter: Expr | None = None
    parameters: dict[str, str] = field(default_factory=dict)

    @property
    def is_select(self) -> bool:
        return self.kind in ("select_one", "select_multiple", "select_one_from_file")

    @property
    def has_answer(self) -> bool:
        """Fields that hold a value in the record (notes do not)."""
        return self.kind != "note"


@dataclass
class Group(Node):
    children: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        for child in self.children:
            yield child
            if isinstance(child, Group):
                yield from child.walk()


@dataclass
class Repeat(Group):
    repeat_count: Expr | None = None


@dataclass
class Form:
    form_id: str
    version: str
    title: Labels = field(default_factory=dict)
    default_language: str = ""
    languages: list[str] = field(default_factory=list)
    language_names: dict[str, str] = field(default_factory=dict)  # code -> "English"
    instance_name: Expr | None = None
    root: Group = field(default_factory=lambda: Group(name="", kind="group"))
    choices: dict[str, ChoiceList] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)  # every named node, by name

    def walk(self) -> Iterator[Node]:
        return self.root.walk()

    def fields(self) -> Iterator[Field]:
        return (n for n in self.walk() if isinstance(n, Field))

    def node(self, name: str) -> Node:
        return self.nodes[name]

    def choice_list(self, f: Field) -> ChoiceList | None:
        return self.choices.get(f.list_name)

    def title_in(self, lang: str | None) -> str:
        return pick(self.title, lang, self.default_language) or self.form_id

    def label(self, node: Node, lang: str | None) -> str:
        return pick(node.labels, lang, self.default_language) or node.name
