"""The XLSForm pipeline: workbook sheets -> typed form tree, collecting every located problem.

Load, normalise aliases, build the tree, then check references and cycles; all problems are
gathered so an author fixes a workbook in one pass rather than one error at a time.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fieldsurvey.core.forms.expr import Expr, ExprSyntaxError, parse, parse_choice_filter
from fieldsurvey.core.forms.external import (
    ChoiceFileError,
    ChoiceFileMissing,
    ExternalChoices,
    files_beside,
    undecodable_at,
)
from fieldsurvey.core.forms.model import (
    Choice,
    ChoiceList,
    Field,
    Form,
    Group,
    Node,
    Repeat,
)
from fieldsurvey.core.forms.problems import FormProblem, FormRejected
from fieldsurvey.core.forms.types import (
    FALSE_WORDS,
    KNOWN_SURVEY_COLUMNS,
    METADATA_TYPES,
    NAME_RE,
    QUESTION_TYPES,
    STRUCTURE_TYPES,
    TRUE_WORDS,
    normalise_type,
    parse_language,
)
from fieldsurvey.core.forms.workbook import Sheet, SheetRow, read_workbook

EXPRESSION_COLUMNS = ("relevant", "constraint", "calculation", "required", "repeat_count")
UNLABELLED_OK = METADATA_TYPES | {"calculate"}


@dataclass
class FormCheck:
    """The result of checking a workbook: a form when there are no problems."""

    form: Form | None
    problems: list[FormProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""


class _Builder:
    def __init__(self, sheets: dict[str, Sheet], file: str, external: ExternalChoices | None):
        self.sheets = sheets
        self.file = file
        self.default_language_name = ""  # "English" of a default_language "English (en)"
        self.external = external
        self.problems: list[FormProblem] = []
        self.warnings: list[str] = []
        self.exprs: list[tuple[Expr, str, SheetRow, str]] = []  # expr, sheet, row, column key
        self.rows_of: dict[str, SheetRow] = {}

    # -- reporting -------------------------------------------------------------------------
    def problem(self, sheet: str, row: SheetRow | None, key: str, code: str, msg: str) -> None:
        cell = row.cell(key) if row else None
        column = cell.column.header if cell else key
        letter = cell.column.letter if cell else ""
        if not letter and row is not None and sheet in self.sheets:
            col = self.sheets[sheet].column(key.split("::")[0])
            letter = col.letter if col else ""
        number = row.number if row else 0
        self.problems.append(FormProblem(sheet, number, column, code, msg, letter, self.file))

    def expression(self, sheet: str, row: SheetRow, key: str, parser=parse) -> Expr | None:
        text = row.get(key)
        if not text:
            return None
        try:
            expr = parser(text)
        except ExprSyntaxError as exc:
            self.problem(
                sheet,
                row,
                key,
                "expression_syntax",
                f"expression error at character {exc.position + 1} of '{text}': {exc.message}",
            )
            return None
        self.exprs.append((expr, sheet, row, key))
        return expr

    # -- sheets ----------------------------------------------------------------------------
    def build(self) -> Form | None:
        if "survey" not in self.sheets:
            self.problem("survey", None, "", "no_survey", "the workbook has no 'survey' sheet")
            return None
        form = self.settings()
        form.choices = self.choices()
        self.survey(form)
        self.check_references(form)
        self.check_filter_columns(form)
        self.check_cycles(form)
        self.languages(form)
        form.warnings = self.warnings
        return form

    def settings(self) -> Form:
        sheet = self.sheets.get("settings")
        row = sheet.rows[0] if sheet and sheet.rows else SheetRow(2)
        form_id = row.get("form_id") or row.get("id_string") or Path(self.file).stem
        if not NAME_RE.match(form_id):
            self.problem(
                "settings", row, "form_id", "bad_form_id", f"'{form_id}' is not a valid form_id"
            )
        title = row.translations("form_title") or {"": form_id}
        for cell in row.cells.values():  # form_title_zh: a title per language that pyxform accepts
            if cell.column.key.startswith("form_title_") and cell.text:
                title[cell.column.key.removeprefix("form_title_")] = cell.text
        form = Form(
            form_id=form_id,
            version=row.get("version") or "1",
            title=title,
            default_language=parse_language(row.get("default_language")),
        )
        self.default_language_name = row.get("default_language").partition("(")[0].strip()
        if row.get("instance_name"):
            form.instance_name = self.expression("settings", row, "instance_name")
        return form

    def choices(self) -> dict[str, ChoiceList]:
        lists: dict[str, ChoiceList] = {}
        sheet = self.sheets.get("choices")
        for row in sheet.rows if sheet else []:
            list_name, name = row.get("list_name"), row.get("name")
            if not list_name:
                self.problem(
                    "choices", row, "list_name", "no_list_name", "the choice has no list_name"
                )
                continue
            if not name:
                self.problem("choices", row, "name", "no_choice_name", "the choice has no name")
                continue
            clist = lists.setdefault(list_name, ChoiceList(list_name))
            if clist.get(name) is not None:
                self.problem(
                    "choices",
                    row,
                    "name",
                    "duplicate_choice",
                    f"choice '{name}' appears twice in list '{list_name}'",
                )
                continue
            extra = {
                c.column.header: c.text
                for k, c in row.cells.items()
                if c.column.key not in ("list_name", "name", "label", "image")
            }
            clist.choices.append(Choice(name, row.translations("label"), extra))
        return lists

    def survey(self, form: Form) -> None:
        sheet = self.sheets["survey"]
        if sheet.column("type") is None:
            self.problem(
                "survey", None, "type", "no_type_column", "the survey sheet has no 'type' column"
            )
            return
        if sheet.column("name") is None:
            self.problem(
                "survey", None, "name", "no_name_column", "the survey sheet has no 'name' column"
            )
            return
        for col in sheet.columns:
            if (
                col.key
                and col.key not in KNOWN_SURVEY_COLUMNS
                and not col.key.startswith(("bind::", "body::", "instance::", "media::"))
            ):
                self.warnings.append(
                    f"sheet 'survey', column '{col.header}' ({col.letter}) is not an XLSForm column and is ignored"
                )
        stack: list[tuple[Group, SheetRow | None]] = [(form.root, None)]
        for row in sheet.rows:
            raw_type = row.get("type")
            if not raw_type:
                self.problem("survey", row, "type", "no_type", "the row has no type")
                continue
            kind, arg = normalise_type(raw_type)
            if kind in ("end_group", "end_repeat"):
                self.close(kind, row, stack)
                continue
            node = self.node(form, kind, arg, row)
            if node is None:
                continue
            parent = stack[-1][0]
            node.parent = parent
            parent.children.append(node)
            if isinstance(node, Group):
                stack.append((node, row))
        for group, row in stack[1:]:
            what = "repeat" if isinstance(group, Repeat) else "group"
            self.problem(
                "survey",
                row,
                "type",
                "unclosed",
                f"begin_{what} '{group.name}' is never closed with end_{what}",
            )

    def close(self, kind: str, row: SheetRow, stack: list[tuple[Group, SheetRow | None]]) -> None:
        want = "repeat" if kind == "end_repeat" else "group"
        if len(stack) == 1:
            self.problem(
                "survey", row, "type", "unbalanced", f"{kind} has no matching begin_{want}"
            )
            return
        group, _ = stack[-1]
        have = "repeat" if isinstance(group, Repeat) else "group"
        if have != want:
            self.problem(
                "survey",
                row,
                "type",
                "unbalanced",
                f"{kind} closes begin_{have} '{group.name}'; expected end_{have}",
            )
        stack.pop()

    def node(self, form: Form, kind: str, arg: str, row: SheetRow) -> Node | None:
        if kind not in QUESTION_TYPES and kind not in STRUCTURE_TYPES:
            self.problem(
                "survey", row, "type", "unknown_type", f"unknown question type '{row.get('type')}'"
            )
            return None
        name = row.get("name")
        if not name:
            self.problem("survey", row, "name", "no_name", f"the {kind} row has no name")
            return None
        if not NAME_RE.match(name):
            self.problem(
                "survey",
                row,
                "name",
                "bad_name",
                f"'{name}' is not a valid name (start with a letter or _, then letters, digits, _ - .)",
            )
            return None
        if name in form.nodes:
            first = self.rows_of[name].number
            self.problem(
                "survey",
                row,
                "name",
                "duplicate_name",
                f"the name '{name}' is already used on row {first}",
            )
            return None
        common = dict(
            name=name,
            kind=kind,
            row=row.number,
            labels=row.translations("label"),
            hints=row.translations("hint"),
            relevant=self.expression("survey", row, "relevant"),
            appearance=row.get("appearance"),
        )
        node: Node
        if kind == "begin_group":
            node = Group(**{**common, "kind": "group"})
        elif kind == "begin_repeat":
            node = Repeat(
                **{**common, "kind": "repeat"},
                repeat_count=self.expression("survey", row, "repeat_count"),
            )
        else:
            node = self.field(form, kind, arg, row, common)
            if node is None:
                return None
        if (
            not node.labels
            and kind not in UNLABELLED_OK
            and kind != "begin_group"
            and not row.translations("hint")
        ):
            self.problem("survey", row, "label", "no_label", f"'{name}' has no label")
        form.nodes[name] = node
        self.rows_of[name] = row
        return node

    def field(self, form: Form, kind: str, arg: str, row: SheetRow, common: dict) -> Field | None:
        f = Field(**common)
        f.required = self.required(row)
        f.required_message = row.translations("required_message")
        f.constraint = self.expression("survey", row, "constraint")
        f.constraint_message = row.translations("constraint_message")
        f.calculation = self.expression("survey", row, "calculation")
        f.read_only = row.get("read_only").lower() in TRUE_WORDS
        f.default = row.get("default")
        f.choice_filter = self.expression("survey", row, "choice_filter", parse_choice_filter)
        f.parameters = self.parameters(row)
        if QUESTION_TYPES[kind]:
            if not arg:
                self.problem(
                    "survey",
                    row,
                    "type",
                    "no_list",
                    f"{kind} needs a list name, e.g. '{kind} yes_no'",
                )
                return None
            if kind == "select_one_from_file":
                f.file = arg
                try:
                    choices = self.external(arg) if self.external else None
                except ChoiceFileMissing as exc:
                    msg = f"choice file '{arg}' was not found beside the form, in {exc.folder}"
                    self.problem("survey", row, "type", "missing_file", msg)
                    return None
                except ChoiceFileError as exc:
                    for text in exc.problems:
                        msg = f"choice file '{arg}': {text}"
                        self.problem("survey", row, "type", "bad_choice_file", msg)
                    return None
                except (OSError, ValueError, csv.Error) as exc:  # ValueError: not UTF-8
                    why = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc
                    msg = f"choice file '{arg}' cannot be read ({why})"
                    if isinstance(exc, UnicodeDecodeError):
                        msg += f" at {undecodable_at(exc)}; save it as CSV UTF-8"
                    self.problem("survey", row, "type", "unreadable_file", msg)
                    return None
                if choices is None:
                    self.problem(
                        "survey",
                        row,
                        "type",
                        "missing_file",
                        f"choice file '{arg}' was not found beside the form",
                    )
                    return None
                form.choices.setdefault(arg, ChoiceList(arg, choices))
                f.list_name = arg
            else:
                f.list_name = arg
                if arg not in form.choices:
                    self.problem(
                        "survey",
                        row,
                        "type",
                        "missing_list",
                        f"list '{arg}' is not on the choices sheet",
                    )
                    return None
        elif arg:
            self.problem(
                "survey",
                row,
                "type",
                "unexpected_list",
                f"'{kind}' does not take a list name ('{arg}')",
            )
        if kind == "calculate" and f.calculation is None and not row.get("calculation"):
            self.problem(
                "survey",
                row,
                "calculation",
                "no_calculation",
                f"calculate '{f.name}' has no calculation",
            )
        if kind == "range":
            self.check_range(f, row)
        return f

    def required(self, row: SheetRow) -> Expr | None:
        text = row.get("required")
        if text.lower() in TRUE_WORDS:
            return parse("true()")
        if text.lower() in FALSE_WORDS:
            return None
        return self.expression("survey", row, "required")

    def parameters(self, row: SheetRow) -> dict[str, str]:
        out = {}
        for part in row.get("parameters").replace(";", " ").replace(",", " ").split():
            key, sep, value = part.partition("=")
            if not sep:
                self.problem(
                    "survey",
                    row,
                    "parameters",
                    "bad_parameters",
                    f"parameter '{part}' is not key=value",
                )
                continue
            out[key.strip()] = value.strip()
        return out

    def check_range(self, f: Field, row: SheetRow) -> None:
        try:
            start = float(f.parameters.get("start", "1"))
            end = float(f.parameters.get("end", "10"))
            step = float(f.parameters.get("step", "1"))
        except ValueError:
            self.problem(
                "survey",
                row,
                "parameters",
                "bad_range",
                "range start, end and step must be numbers",
            )
            return
        if step <= 0 or start >= end:
            self.problem(
                "survey",
                row,
                "parameters",
                "bad_range",
                "range needs start < end and a positive step",
            )

    # -- whole-form checks -----------------------------------------------------------------
    def check_references(self, form: Form) -> None:
        for expr, sheet, row, key in self.exprs:
            for name in sorted(expr.references):
                if name not in form.nodes:
                    self.problem(
                        sheet,
                        row,
                        key,
                        "unknown_reference",
                        f"${{{name}}} does not name a question in this form",
                    )

    def check_filter_columns(self, form: Form) -> None:
        """A bare name in a choice_filter is a column of the choices. One the list lacks reads
        as empty for every choice, silently offering none or all of them: say so here."""
        sheet = self.sheets.get("choices")
        headers = {c.header for c in sheet.columns} if sheet else set()
        for f in form.fields():
            clist = form.choice_list(f) if f.choice_filter is not None else None
            if clist is None:
                continue
            known = {"name", "label"} | {k for c in clist.choices for k in c.extra}
            if not f.file:
                known |= headers
            for name in sorted(f.choice_filter.columns - known):  # type: ignore[union-attr]
                where = f"file '{f.file}'" if f.file else f"list '{clist.name}'"
                self.problem(
                    "survey",
                    self.rows_of[f.name],
                    "choice_filter",
                    "unknown_column",
                    f"'{name}' is not a column of the choices in {where}",
                )

    def check_cycles(self, form: Form) -> None:
        calcs = {f.name: f for f in form.fields() if f.calculation is not None}
        state: dict[str, int] = {}

        def visit(name: str, trail: list[str]) -> None:
            state[name] = 1
            for dep in sorted(calcs[name].calculation.references):  # type: ignore[union-attr]
                if dep not in calcs:
                    continue
                if state.get(dep) == 1:
                    loop = " -> ".join([*trail[trail.index(dep) :], dep]) if dep in trail else dep
                    self.problem(
                        "survey",
                        self.rows_of[dep],
                        "calculation",
                        "cycle",
                        f"calculations refer to each other in a loop: {loop}",
                    )
                elif dep not in state:
                    visit(dep, [*trail, dep])
            state[name] = 2

        for name in calcs:
            if name not in state:
                visit(name, [name])

    def languages(self, form: Form) -> None:
        """The form's languages, as pyxform reads them: a text column without a language
        (``label``) belongs to ``default_language`` when the settings name one, and is otherwise
        a language of its own, the form's default (ODK's "default")."""
        names: dict[str, str] = {}
        for sheet_name in ("survey", "choices"):
            sheet = self.sheets.get(sheet_name)
            for col in sheet.columns if sheet else []:
                if col.lang and col.lang not in names:
                    names[col.lang] = col.lang_name
        texts = list(_label_maps(form))
        chosen = form.default_language
        if chosen and any(labels.get("") for labels in texts):
            for labels in texts:
                if labels.get("") and not labels.get(chosen):
                    labels[chosen] = labels.pop("")
            if chosen not in names:  # `label` + `label::Français (fr)`, default English (en)
                names = {chosen: self.default_language_name or chosen, **names}
        plain = any(labels.get("") for labels in texts)
        form.languages = ([""] if plain or not names else []) + list(names)
        form.language_names = names
        if form.default_language not in names:
            form.default_language = form.languages[0]


def _label_maps(form: Form) -> Iterator[dict[str, str]]:
    """Every translatable text of the form: questions' labels, hints and messages, choices."""
    for node in form.walk():
        yield node.labels
        yield node.hints
        if isinstance(node, Field):
            yield node.required_message
            yield node.constraint_message
    for clist in form.choices.values():
        for choice in clist.choices:
            yield choice.labels


def check_form_bytes(
    data: bytes, *, file: str, external: ExternalChoices | None = None
) -> FormCheck:
    """Check a workbook given as bytes; *file* names it in messages."""
    sha = hashlib.sha256(data).hexdigest()
    sheets, problems = read_workbook(data, file)
    if problems:
        return FormCheck(None, problems, [], sha)
    builder = _Builder(sheets, file, external)
    form = builder.build()
    problems = sorted(builder.problems, key=lambda p: (p.sheet, p.row, p.column))
    return FormCheck(None if problems else form, problems, builder.warnings, sha)


def check_form(path: Path | str) -> FormCheck:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = FormProblem(
            "", 0, "", "unreadable", f"cannot read the file ({exc.strerror})", file=str(path)
        )
        return FormCheck(None, [problem])
    return check_form_bytes(data, file=str(path), external=files_beside(path))


def load_form_bytes(data: bytes, *, file: str, external: ExternalChoices | None = None) -> Form:
    """The form tree, or ``FormRejected`` carrying every problem."""
    result = check_form_bytes(data, file=file, external=external)
    if result.form is None:
        raise FormRejected(file, result.problems)
    return result.form


def load_form(path: Path | str) -> Form:
    result = check_form(path)
    if result.form is None:
        raise FormRejected(str(path), result.problems)
    return result.form
