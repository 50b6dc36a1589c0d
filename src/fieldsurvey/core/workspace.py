"""The one facade over a FieldSurvey database: forms, villages, records and their revisions.

The command line and the desktop app both drive the data through this class, so a behaviour
exists in both faces or in neither. Mutating calls return what changed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete
from sqlmodel import select

from fieldsurvey import paths
from fieldsurvey.core import queries
from fieldsurvey.core.errors import (
    FieldSurveyError,
    InvalidDataError,
    Phrase,
    RefusedError,
    UsageError,
)
from fieldsurvey.core.forms.answers import default_value, is_empty
from fieldsurvey.core.forms.assign import assign
from fieldsurvey.core.forms.builder import check_form_bytes
from fieldsurvey.core.forms.evaluation import Evaluation, evaluate
from fieldsurvey.core.forms.external import (
    ChoiceFileMissing,
    ExternalChoices,
    choices_from_bytes,
    read_choice_file,
)
from fieldsurvey.core.forms.model import ROW_ID, Choice, Field, Form, Repeat
from fieldsurvey.core.forms.problems import FormRejected
from fieldsurvey.core.registry import read_registry
from fieldsurvey.core.store import records as rec
from fieldsurvey.core.store.db import Store, open_store
from fieldsurvey.core.store.models import (
    REVIEWED_STATUSES,
    SETTING_DEVICE_NAME,
    SETTING_ENUMERATOR,
    SETTING_LANGUAGE,
    FormDef,
    Record,
    Revision,
    Setting,
    Village,
)
from fieldsurvey.core.store.records import RecordStateError

REGISTRY_FILE = "villages.csv"
AUTOSAVE_PREFIX = "autosave."


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Saved:
    """What a save changed: the record and the revision it made.

    A save that changes nothing (the same answers after evaluation, the same status) makes no
    revision: *changed* is False and *revision_id* is the record's existing head. A duplicate
    lists in *dropped* the questions of the copied record that the form version it was copied
    into has no place for (or whose answers that version refuses), by name, sorted."""

    record: Record
    revision_id: str
    evaluation: Evaluation
    changed: bool = True
    dropped: list[str] = field(default_factory=list)


class Workspace:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._forms: dict[tuple[str, str], Form] = {}
        self._latest: dict[str, str] = {}  # form id -> newest version, cleared on add_form
        self._villages_seen: set[str] = set()
        self._lock = threading.RLock()  # views ask for forms from the worker thread too
        self.device_id = store.local_device().id
        self._enumerator = store.get_setting(SETTING_ENUMERATOR) or ""

    @classmethod
    def open(cls, path: Path | str | None = None, *, create: bool = True) -> Workspace:
        return cls(open_store(path or paths.default_database(), create=create))

    def close(self) -> None:
        self.store.close()

    @property
    def media_root(self) -> Path:
        """The folder of this database's photos, one subfolder per record."""
        return paths.media_folder(self.store.path)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- settings --------------------------------------------------------------------------
    @property
    def enumerator(self) -> str:
        return self._enumerator

    @property
    def device_name(self) -> str:
        return self.store.local_device().name or ""

    def configure(
        self,
        *,
        enumerator: str | None = None,
        device: str | None = None,
        language: str | None = None,
    ) -> None:
        if enumerator is not None:
            self.store.set_setting(SETTING_ENUMERATOR, enumerator)
            self._enumerator = enumerator
        if device is not None:
            self.store.set_setting(SETTING_DEVICE_NAME, device)
            self.store.local_device()  # the device row takes the name now, not at next open
        if language is not None:
            self.store.set_setting(SETTING_LANGUAGE, language)

    # -- forms -----------------------------------------------------------------------------
    def initialise(
        self, *, enumerator: str | None = None, device: str | None = None
    ) -> dict[str, int]:
        """Load the programme forms and registry shipped with the app; safe to run again."""
        self.configure(enumerator=enumerator, device=device)
        villages = self.import_villages(paths.forms_dir() / REGISTRY_FILE)
        added = 0
        for path in sorted(paths.forms_dir().glob("*.xlsx")):
            added += self.add_form(path)[1]
        return {"forms_added": added, "villages": villages}

    def add_form(self, path: Path | str) -> tuple[FormDef, bool]:
        """Add a form or a new version of one; (definition, whether it was new).

        The form is checked with the choice files it will be loaded with, so a form that is
        added can be opened: the village registry is this database's, wherever the file is,
        and every other choice file is read from beside the workbook and kept with the form
        version, as ODK Central keeps form attachments, so the form opens on any machine."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RefusedError(
                "{path}: cannot read the file ({reason})", path=path, reason=exc
            ) from exc
        files: dict[str, bytes] = {}
        result = check_form_bytes(data, file=str(path), external=self._beside(path, files))
        if result.form is None:
            raise FormRejected(str(path), result.problems)
        form = result.form
        with self.store.session() as s:
            existing = rec.get_form_def(session=s, form_id=form.form_id, version=form.version)
            if existing is not None:
                self._same_version(s, path, existing, result.sha256, files)
            else:
                self._latest.pop(form.form_id, None)
            fd = rec.add_form_def(
                session=s,
                form_id=form.form_id,
                version=form.version,
                title=form.title_in("en"),
                definition=data,
                files=files,
                actor=self.enumerator,
                device_id=self.device_id,
            )
        with self._lock:
            self._forms.pop((fd.form_id, fd.version), None)  # a 0002-era version gains files
        return fd, existing is None

    def _same_version(
        self, s: Any, path: Path, existing: FormDef, sha256: str, files: dict[str, bytes]
    ) -> None:
        """Refuse a version already kept with other content: records filled with it point at
        the workbook and choices kept, so a change needs a new version."""
        if existing.sha256 != sha256:
            raise RefusedError(
                "{path}: form '{form_id}' version {version} is already in the database "
                "with different content; raise the version in the settings sheet",
                path=path,
                form_id=existing.form_id,
                version=existing.version,
            )
        key = (existing.form_id, existing.version)
        kept = {f.file_name: f.data for f in rec.list_form_files(session=s, key=key)}
        for name, data in sorted(files.items()):
            if kept.get(name, data) != data:
                raise RefusedError(
                    "{path}: form '{form_id}' version {version} is already in the database "
                    "with a different choice file '{file}'; raise the version in the "
                    "settings sheet",
                    path=path,
                    form_id=existing.form_id,
                    version=existing.version,
                    file=name,
                )

    def form_defs(self) -> list[FormDef]:
        with self.store.session() as s:
            return rec.list_form_defs(session=s)

    def cached_form(self, form_id: str, version: str) -> Form | None:
        """The form version if it is parsed already (never parses: no database read)."""
        with self._lock:
            return self._forms.get((form_id, version))

    def form(self, form_id: str, version: str | None = None) -> Form:
        with self._lock:
            return self._form(form_id, version)

    def _form(self, form_id: str, version: str | None) -> Form:
        """The parsed form (the latest version unless one is named), cached per version."""
        version = version or self._latest.get(form_id)
        if version is not None and (form_id, version) in self._forms:
            return self._forms[(form_id, version)]
        with self.store.session(write=False) as s:
            fd = rec.get_form_def(session=s, form_id=form_id, version=version)
        if fd is None:
            known = ", ".join(sorted({f.form_id for f in self.form_defs()})) or Phrase("none")
            if version:
                raise UsageError(
                    "form '{form_id}' version {version} is not in the database (forms: {known})",
                    form_id=form_id,
                    version=version,
                    known=known,
                )
            raise UsageError(
                "form '{form_id}' is not in the database (forms: {known})",
                form_id=form_id,
                known=known,
            )
        key = (fd.form_id, fd.version)
        if key not in self._forms:
            result = check_form_bytes(
                fd.definition, file=f"{fd.form_id}.xlsx", external=self._stored(key)
            )
            if result.form is None:
                raise FormRejected(f"{fd.form_id} {fd.version}", result.problems, stored=True)
            self._forms[key] = result.form
        self._latest.setdefault(fd.form_id, fd.version) if version is None else None
        return self._forms[key]

    def _registry(self) -> list[Choice]:
        """The villages as the choices of ``select_one_from_file villages.csv``."""
        return registry_choices(self.villages())

    def _beside(self, path: Path, found: dict[str, bytes]) -> ExternalChoices:
        """Choice files for a form being added: the registry from this database, any other
        file from the workbook's folder, its bytes collected in *found* to be kept."""
        folder = path.resolve().parent

        def resolve(filename: str) -> list[Choice] | None:
            if filename == REGISTRY_FILE:
                return self._registry()
            data, choices = read_choice_file(folder, filename)
            found[filename] = data
            return choices

        return resolve

    def _stored(self, key: tuple[str, str]) -> ExternalChoices:
        """Choice files for a kept form version: the registry from this database, others as
        kept with the version. A version added before files were kept (schema 0002) found
        them among the programme's forms, and still does."""
        with self.store.session(write=False) as s:
            kept = {f.file_name: f.data for f in rec.list_form_files(session=s, key=key)}

        def resolve(filename: str) -> list[Choice] | None:
            if filename == REGISTRY_FILE:
                return self._registry()
            if filename in kept:
                return choices_from_bytes(kept[filename])
            try:
                return read_choice_file(paths.forms_dir(), filename)[1]
            except ChoiceFileMissing:
                return None

        return resolve

    # -- villages --------------------------------------------------------------------------
    def villages(self) -> list[Village]:
        with self.store.session(write=False) as s:
            return rec.list_villages(session=s)

    def add_village(
        self,
        *,
        code: str | None = None,
        name_zh: str = "",
        name_en: str = "",
        township: str = "",
        township_zh: str = "",
        county: str = "",
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> Village:
        """A village met in the field; without a code it gets a provisional ``NEW-…`` one.

        The code is upper-cased and must be a registry-style code; the township must be one the
        forms' township lists or the registry know, by code or by its Chinese name."""
        townships = self._form_townships() if township.strip() else {}  # parses the forms
        with self.store.session() as s:
            village = queries.add_village(
                session=s,
                device_id=self.device_id,
                actor=self.enumerator,
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                township=township,
                township_zh=township_zh,
                county=county,
                latitude=latitude,
                longitude=longitude,
                townships=townships,
            )  # an InvalidDataError names a bad or used code, a missing name, a township
        self.forget_forms()  # the registry feeds select_one_from_file choices
        return village

    def _form_townships(self) -> dict[str, set[str]]:
        """Township codes in the ``township`` choice lists of the newest version of each stored
        form, with their Chinese labels."""
        found: dict[str, set[str]] = {}
        for form_id in sorted({fd.form_id for fd in self.form_defs()}):
            try:
                form = self.form(form_id)
            except FieldSurveyError:  # a stored form that no longer loads knows no township
                continue
            lists = [form.choices.get(queries.TOWNSHIP_LIST)]
            lists += [form.choice_list(f) for f in form.fields() if f.name == queries.TOWNSHIP_LIST]
            for clist in lists:
                for choice in clist.choices if clist is not None else ():
                    names = found.setdefault(choice.name, set())
                    names.update(t for k, t in choice.labels.items() if k.startswith("zh") and t)
        return found

    def forget_forms(self) -> None:
        """Parse forms again when next asked for: the registry their village lists come from,
        or the forms themselves, may have changed (an import, rolled back or not)."""
        with self._lock:
            self._forms.clear()
            self._latest.clear()

    def import_villages(self, path: Path | str) -> int:
        rows = read_registry(Path(path))
        with self.store.session() as s:
            for row in rows:
                rec.upsert_village(session=s, device_id=self.device_id, **row)
        self.forget_forms()  # the registry feeds select_one_from_file choices
        return len(rows)

    # -- records ---------------------------------------------------------------------------
    def evaluate(
        self, form: Form, answers: dict[str, Any], *, complete: bool, lang: str | None = None
    ) -> Evaluation:
        return evaluate(form, answers, lang=lang, complete=complete)

    def _check(
        self, form: Form, answers: dict[str, Any], complete: bool, lenient: bool = False
    ) -> Evaluation:
        """Evaluate and refuse on problems. *lenient* drafts (the GUI's autosaved work) are
        refused only for values of the wrong type; a broken constraint waits for finalising."""
        ev = self.evaluate(form, answers, complete=complete)
        blocking = [
            p for p in ev.problems if not lenient or p.rule in ("type", "choice", "unknown")
        ]
        if blocking:
            raise InvalidDataError(
                "{count} problem(s); nothing was saved",
                [str(p) for p in blocking],
                count=len(ev.problems),
            )
        return ev

    def _stored_code(self, code: str) -> str:
        """*code* as the registry spells it (``sy-xp-001`` is ``SY-XP-001``); unknown codes
        are left for the checks to refuse."""
        with self.store.session(write=False) as s:
            found = rec.get_village(session=s, code=code)
        return found.code if found is not None else code

    def _village_of(self, form: Form, answers: dict[str, Any], village: str | None) -> str | None:
        """The village a record is filed under: the form's village answer, else *village*."""
        question = village_question(form)
        answer = answers.get(question.name) if question is not None else None
        return answer or village

    def _with_village(self, form: Form, answers: dict[str, Any], village: str) -> None:
        """Keep the record's village and its village answer in step (*answers* changed in
        place): an empty village answer is filled with *village*, as if typed (and checked like
        it), with the questions its choice filter reads (the township) filled from the
        village's registry row when they are empty, as the app does; a different one refused."""
        question = village_question(form)
        if question is None:
            return
        answer = answers.get(question.name)
        if isinstance(answer, str):
            answer = answer.strip()
        if is_empty(answer):
            fill_village(form, answers, village)
        elif str(answer) != village:
            raise InvalidDataError(
                "{count} problem(s); nothing was saved",
                [
                    Phrase(
                        "{name}: the answers name village '{answer}' but village '{given}' "
                        "was given; give one of them, or the same code in both",
                        name=question.name,
                        answer=answer,
                        given=village,
                    )
                ],
                count=1,
            )

    def _known_village(self, s: Any, code: str | None) -> None:
        """Villages are never removed, so a code seen once stays known."""
        if not code or code in self._villages_seen:
            return
        if rec.get_village(session=s, code=code) is None:
            raise InvalidDataError("village '{code}' is not in the registry", code=code)
        self._villages_seen.add(code)

    def add_record(
        self,
        form_id: str,
        answers: dict[str, Any],
        *,
        village: str | None = None,
        complete: bool = False,
        record_id: str | None = None,
        lenient: bool = False,
    ) -> Saved:
        """Validate and save a new record as one transaction (record, first revision, audit).

        *village* files the record under that village; a form with a village question must
        agree with it (see ``_with_village``)."""
        form = self.form(form_id)
        answers = fill_metadata(
            form, dict(answers), enumerator=self.enumerator, device=self.device_id
        )
        village = (village or "").strip() or None
        if village is not None:
            village = self._stored_code(village)
            self._with_village(form, answers, village)
        fill_defaults(form, answers)  # as the app's new record and a duplicate get them
        ev = self._check(form, answers, complete, lenient and not complete)
        code = self._village_of(form, ev.answers, village)
        with self.store.session() as s:
            self._known_village(s, code)
            record = rec.create_record(
                session=s,
                form_id=form.form_id,
                form_version=form.version,
                answers=ev.answers,
                status="complete" if complete else "draft",
                village_code=code,
                author=self.enumerator,
                device_id=self.device_id,
                hlc=self.store.hlc_now(session=s),
                record_id=record_id,
            )
            _clear_autosave(s, record.id)
        return Saved(record, record.head_revision_id, ev)

    def record(self, record_id: str) -> Record:
        with self.store.session(write=False) as s:
            found = rec.get_record(session=s, record_id=record_id)  # AmbiguousIdError: usage
        if found is None:
            raise UsageError("no record '{record_id}' in this database", record_id=record_id)
        return found

    def records(
        self, *, form_id: str | None = None, status: str | None = None, village: str | None = None
    ) -> list[Record]:
        with self.store.session() as s:
            return rec.list_records(session=s, form_id=form_id, status=status, village_code=village)

    def history(self, record_id: str) -> list[Revision]:
        record = self.record(record_id)
        with self.store.session() as s:
            return rec.history(session=s, record_id=record.id)

    def save_answers(
        self,
        record_id: str,
        answers: dict[str, Any],
        *,
        complete: bool | None = None,
        lenient: bool = False,
        keep_autosave: bool = False,
    ) -> Saved:
        """A new revision with *answers* replacing the current ones, in one transaction.

        Answers that evaluate to what is stored, with the same status, make no revision: the
        result has ``changed=False`` and the existing head, so an unchanged save neither fills
        the history with empty edits nor queues a complete record for export again.

        The save supersedes the record's autosaved answers (they are what the filler saves),
        unless *keep_autosave*: a change made elsewhere leaves the app's unsaved work for the
        app to offer, rather than deleting it unseen."""
        record = self.record(record_id)
        refuse_conflicted(record)
        form = self.form(record.form_id, record.form_version)
        if complete is None:  # an edit of a reviewed record goes back to review
            status = "complete" if record.status in REVIEWED_STATUSES else record.status
        else:
            status = "complete" if complete else "draft"
        ev = self._check(form, answers, status == "complete", lenient and status != "complete")
        code = self._village_of(form, ev.answers, None) or record.village_code
        with self.store.session() as s:
            self._known_village(s, code)
            current = rec.get_record(session=s, record_id=record.id)
            assert current is not None
            if (
                not current.deleted
                and current.status == status
                and current.village_code == code
                and current.answers == rec.dump_answers(ev.answers)
            ):
                if not keep_autosave:
                    _clear_autosave(s, current.id)
                return Saved(current, current.head_revision_id, ev, changed=False)
            current.village_code = code
            revision = rec.add_revision(
                session=s,
                record=current,
                answers=ev.answers,
                status=status,
                author=self.enumerator,
                device_id=self.device_id,
                hlc=self.store.hlc_now(session=s),
            )
            if not keep_autosave:
                _clear_autosave(s, current.id)
        return Saved(current, revision.id, ev)

    def set_values(
        self, record_id: str, assignments: dict[str, str], *, complete: bool = False
    ) -> Saved:
        record = self.record(record_id)
        form = self.form(record.form_id, record.form_version)
        answers = copy.deepcopy(record.answers_dict())
        for path, value in assignments.items():
            assign(form, answers, path, value)
        return self.save_answers(
            record.id, answers, complete=True if complete else None, keep_autosave=True
        )

    # -- autosave: unsaved work kept apart from the record's history ------------------------
    def autosave(
        self, record_id: str, form_id: str, answers: dict[str, Any], *, village: str | None = None
    ) -> None:
        """Keep in-progress answers (one transaction) without making a revision; a crash or
        power cut loses at most the seconds since the last call."""
        payload = {
            "record_id": record_id,
            "form_id": form_id,
            "village": village,
            "answers": answers,
            "saved_at": utc_now(),
        }
        self.store.set_setting(
            AUTOSAVE_PREFIX + record_id, json.dumps(payload, ensure_ascii=False, sort_keys=True)
        )

    def discard_autosave(self, record_id: str) -> None:
        self.store.set_setting(AUTOSAVE_PREFIX + record_id, "")

    def pending_autosaves(self) -> list[dict[str, Any]]:
        """Work that was autosaved but never saved as a revision (the app closed uncleanly)."""
        with self.store.session(write=False) as s:
            rows = s.exec(select(Setting).where(Setting.key.startswith(AUTOSAVE_PREFIX))).all()
            values = [r.value for r in rows if r.value]
        return sorted((json.loads(v) for v in values), key=lambda p: p["saved_at"])

    def duplicate(self, record_id: str) -> Saved:
        """A new draft, in the newest version of the form, starting from a copy of another
        record's answers, as ODK's and Kobo's duplicate do: repeat rows get new ids; metadata,
        photos and acknowledgements (consent is given anew) are left out; questions with a
        default get it afresh (``today()`` is today). Answers the newest version has no
        question for, or refuses (a choice since removed), are left out and named in
        ``Saved.dropped``."""
        record = self.record(record_id)
        form = self.form(record.form_id)
        answers, dropped = queries.copy_answers(form, record.answers_dict())
        answers = fill_metadata(form, answers, enumerator=self.enumerator, device=self.device_id)
        fill_defaults(form, answers)
        ev = self.evaluate(form, answers, complete=False)
        for problem in ev.problems:
            if problem.rule in ("type", "choice") and _remove_path(answers, problem.path):
                dropped.add(problem.name)
        question = village_question(form)
        if question is not None and not is_empty(answers.get(question.name)):
            village = None  # the copied answer says where; it is checked like any answer
        else:
            village = record.village_code
        saved = self.add_record(form.form_id, answers, village=village, lenient=True)
        saved.dropped = sorted(dropped)
        return saved

    def delete_draft(self, record_id: str) -> None:
        record = self.record(record_id)
        with self.store.session() as s:
            rec.delete_draft(
                session=s, record_id=record.id, actor=self.enumerator, device_id=self.device_id
            )


def refuse_conflicted(record: Record) -> None:
    """A record whose heads conflict is resolved before anyone edits it: an edit of the newest
    head alone would hide the other values it holds."""
    if record.conflicts:
        raise RecordStateError(
            "record {record_id} has {count} open conflict(s) from merging; resolve them "
            "first (the Review page, or fieldsurvey conflicts list)",
            record_id=record.id,
            count=record.conflicts,
        )


def _clear_autosave(session: Any, record_id: str) -> None:
    """Saving a revision supersedes the autosaved copy, in the same transaction."""
    table = Setting.__table__  # type: ignore[attr-defined]
    session.execute(
        delete(table).where(table.c.key == bindparam("k")), {"k": AUTOSAVE_PREFIX + record_id}
    )


def registry_choices(villages: list[Village]) -> list[Choice]:
    """Villages as the choices of ``select_one_from_file villages.csv``."""
    return [
        Choice(
            v.code,
            {"en": v.name_en or v.code, "zh": v.name_zh or v.name_en or v.code},
            {"township": v.township or ""},
        )
        for v in villages
    ]


def village_question(form: Form) -> Field | None:
    """The form's top-level village question (``select_one_from_file villages.csv``), if any."""
    return next(
        (
            f
            for f in form.fields()
            if f.kind == "select_one_from_file" and f.file == REGISTRY_FILE and f.repeat is None
        ),
        None,
    )


def fill_village(form: Form, answers: dict[str, Any], village: str) -> None:
    """Put *village* into the form's empty village question, and fill the empty questions its
    choice filter reads (the township) from the village's registry row: the cascading-select
    pattern, so the village is among the choices it filters. *answers* is changed in place."""
    question = village_question(form)
    if question is None or not is_empty(answers.get(question.name)):
        return
    answers[question.name] = village
    clist = form.choice_list(question)
    choice = clist.get(village) if clist else None
    if choice is None or question.choice_filter is None:
        return
    for ref in sorted(question.choice_filter.references):
        parent = form.nodes.get(ref)
        if (
            isinstance(parent, Field)
            and parent.repeat is None
            and is_empty(answers.get(ref))
            and choice.extra.get(ref)
        ):
            answers[ref] = choice.extra[ref]


def fill_defaults(form: Form, answers: dict[str, Any], now: dt.datetime | None = None) -> None:
    """Questions with a ``default`` and no answer get it (evaluated now), at top level and in
    every repeat row; *answers* is changed in place. Metadata first (``fill_metadata``), so a
    default such as ``${username}`` reads it."""

    def fill(row: dict[str, Any], scope: Repeat | None, values: dict[str, Any]) -> None:
        for node in form.nodes.values():
            if node.repeat is not scope:
                continue
            if isinstance(node, Repeat):
                for inner in row.get(node.name) or ():
                    if isinstance(inner, dict):
                        fill(inner, node, {**values, **inner})
            elif isinstance(node, Field) and node.default and is_empty(row.get(node.name)):
                value = default_value(node, now, values)
                if value is not None:
                    row[node.name] = value
                    values[node.name] = value

    fill(answers, None, dict(answers))


def _remove_path(answers: dict[str, Any], path: str) -> bool:
    """Take the answer at an evaluation path (``rep[2]/name``) out of *answers*."""
    *rows, name = path.split("/")
    target: Any = answers
    for part in rows:
        rep_name, _, index = part.partition("[")
        items = target.get(rep_name) if isinstance(target, dict) else None
        try:
            target = items[int(index.rstrip("]")) - 1]  # type: ignore[index]
        except (TypeError, ValueError, IndexError):
            return False
    if not isinstance(target, dict) or name not in target or name == ROW_ID:
        return False
    del target[name]
    return True


def fill_metadata(
    form: Form, answers: dict[str, Any], *, enumerator: str, device: str
) -> dict[str, Any]:
    """Metadata questions (start, today, deviceid, username) filled in as ODK does at creation."""
    now = dt.datetime.now().replace(microsecond=0)
    auto = {
        "start": now.isoformat(),
        "end": now.isoformat(),
        "today": now.date().isoformat(),
        "deviceid": device,
        "username": enumerator,
    }
    for f in form.fields():
        if f.kind in auto and f.repeat is None and answers.get(f.name) in (None, ""):
            answers[f.name] = auto[f.kind]
    return answers
