"""Records, revisions, audit, villages and form definitions over a real store, on each backend."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from fieldsurvey.core.errors import RefusedError
from fieldsurvey.core.store import (
    AmbiguousIdError,
    AuditEntry,
    Record,
    RecordStateError,
    Revision,
    Setting,
    Store,
    add_form_def,
    add_revision,
    create_record,
    delete_draft,
    get_form_def,
    get_record,
    get_village,
    history,
    list_form_defs,
    list_records,
    list_villages,
    open_store,
    revision_hash,
    upsert_village,
)


@pytest.fixture
def store(database: Path | str) -> Iterator[Store]:
    with open_store(database) as opened:
        yield opened


def new_record(store: Store, s: Session, answers: dict[str, Any] | None = None, **kw) -> Record:
    args: dict[str, Any] = {
        "form_id": "practice",
        "form_version": "2024060101",
        "answers": {"practice": "terrace"} if answers is None else answers,
        "status": "draft",
        "village_code": None,
        "author": "Wang Fang",
        "device_id": store.device_id,
        "hlc": store.hlc_now(session=s),
    }
    args.update(kw)
    return create_record(session=s, **args)


def revise(store: Store, s: Session, record: Record, answers, status="draft", **kw) -> Revision:
    return add_revision(
        session=s,
        record=record,
        answers=answers,
        status=status,
        author="Wang Fang",
        device_id=store.device_id,
        hlc=store.hlc_now(session=s),
        **kw,
    )


def count(s: Session, model) -> int:
    return s.exec(select(func.count()).select_from(model)).one()


# -- one save, one transaction --------------------------------------------------------------


def test_create_writes_record_first_revision_and_audit(store: Store) -> None:
    with store.session() as s:
        record = new_record(store, s, {"b": "松阳", "a": 1})
    with store.session() as s:
        revs = history(session=s, record_id=record.id)
        entries = s.exec(select(AuditEntry).where(AuditEntry.record_id == record.id)).all()
        stored = s.get(Record, record.id)
    assert stored.answers == '{"a":1,"b":"松阳"}'  # canonical text
    assert stored.answers_dict() == {"a": 1, "b": "松阳"}
    assert stored.head_revision_id == revs[0].id and len(revs) == 1
    assert revs[0].parents_list() == [] and revs[0].kind == "edit"
    assert revs[0].answers == stored.answers and revs[0].status == "draft"
    assert stored.created_at.endswith("Z") and stored.enumerator == "Wang Fang"
    assert [e.action for e in entries] == ["record.create"]
    assert entries[0].detail_dict()["revision_id"] == revs[0].id


def test_an_exception_inside_a_session_leaves_nothing(store: Store) -> None:
    with store.session() as s:
        new_record(store, s)
    with store.session() as s:
        before = {m: count(s, m) for m in (Record, Revision, AuditEntry)}
        clock_before = s.get(Setting, "hlc.last").value
    with pytest.raises(RuntimeError, match="power cut"), store.session() as s:
        record = new_record(store, s)
        revise(store, s, record, {"practice": "bamboo"})
        raise RuntimeError("power cut")
    with store.session() as s:
        assert {m: count(s, m) for m in (Record, Revision, AuditEntry)} == before
        assert s.get(Setting, "hlc.last").value == clock_before


def test_a_failed_revision_rolls_back_the_whole_save(store: Store) -> None:
    with store.session() as s:
        rid = new_record(store, s).id
    with pytest.raises(ValueError, match="no revision"), store.session() as s:
        revise(store, s, s.get(Record, rid), {"x": 1}, parents=["not-a-revision"])
    with store.session() as s:
        assert len(history(session=s, record_id=rid)) == 1
        assert s.get(Record, rid).answers_dict() == {"practice": "terrace"}


# -- history ---------------------------------------------------------------------------------


def test_revisions_chain_to_their_parents_and_never_change(store: Store) -> None:
    with store.session() as s:
        record = new_record(store, s, {"n": 0})
    snapshots = []
    for n in range(1, 4):
        with store.session() as s:
            before = [r.model_dump() for r in history(session=s, record_id=record.id)]
            snapshots.append(before)
            record = s.get(Record, record.id)
            revise(store, s, record, {"n": n}, status="complete" if n == 3 else "draft")
    with store.session() as s:
        revs = history(session=s, record_id=record.id)
        record = s.get(Record, record.id)
    assert [r.answers_dict()["n"] for r in revs] == [0, 1, 2, 3]
    assert [r.parents_list() for r in revs] == [[]] + [[revs[i].id] for i in range(3)]
    assert [r.hlc for r in revs] == sorted(r.hlc for r in revs)
    assert record.head_revision_id == revs[-1].id
    assert record.answers_dict() == {"n": 3} and record.status == "complete"
    for before in snapshots:  # earlier revisions are untouched by later saves
        assert [r.model_dump() for r in revs[: len(before)]] == before


def test_merge_and_review_revisions(store: Store) -> None:
    with store.session() as s:
        record = new_record(store, s, {"a": 1})
        root = record.head_revision_id
        left = revise(store, s, record, {"a": 2})
        right = revise(store, s, record, {"a": 3}, parents=[root])
        merged = revise(store, s, record, {"a": 4}, kind="merge", parents=[left.id, right.id])
        review = revise(store, s, record, None, status="complete", kind="review")
    assert merged.parents_list() == [left.id, right.id] and merged.kind == "merge"
    assert review.parents_list() == [merged.id]
    assert review.answers_dict() == {"a": 4}  # a review keeps the answers
    with store.session() as s, pytest.raises(ValueError, match="repeated parent"):
        revise(store, s, s.get(Record, record.id), {}, parents=[root, root])
    with store.session() as s, pytest.raises(ValueError, match="unknown revision kind"):
        revise(store, s, s.get(Record, record.id), {}, kind="rewrite")


def test_hash_is_the_sha256_of_canonical_json() -> None:
    revision = Revision(
        id="0b6a39b6-4a43-4c84-9d3c-4f0ad8d3b1f1",
        record_id="5d0f7f8e-24d8-4f3e-9b44-5a3d4b5f0c11",
        parents='["a","b"]',
        answers='{"村":"大东坝","n":1.5}',
        status="draft",
        author="王芳",
        device_id="dev",
        hlc="001717200000000-00000-dev",
        created_at="2024-06-01T00:00:00.000Z",
        hash="",
        kind="edit",
    )
    expected = (
        '{"answers":{"n":1.5,"村":"大东坝"},"author":"王芳",'
        '"created_at":"2024-06-01T00:00:00.000Z","device_id":"dev",'
        '"hlc":"001717200000000-00000-dev","id":"0b6a39b6-4a43-4c84-9d3c-4f0ad8d3b1f1",'
        '"kind":"edit","parents":["a","b"],'
        '"record_id":"5d0f7f8e-24d8-4f3e-9b44-5a3d4b5f0c11","status":"draft"}'
    )
    assert revision_hash(revision) == hashlib.sha256(expected.encode()).hexdigest()
    revision.parents = '["b","a"]'  # parent order is content
    assert revision_hash(revision) != hashlib.sha256(expected.encode()).hexdigest()


def test_stored_hashes_verify_after_reopening(database: Path | str) -> None:
    with open_store(database) as store, store.session() as s:
        record = new_record(store, s, {"x": [1, {"y": "é"}]})
        revise(store, s, record, {"x": None})
    with open_store(database) as store, store.session() as s:
        revs = history(session=s, record_id=record.id)
        assert len(revs) == 2
        assert all(r.hash == revision_hash(r) for r in revs)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=st.dictionaries(st.text(min_size=1), _json, max_size=5))
def test_any_json_answers_round_trip(store: Store, answers: dict) -> None:
    with store.session() as s:
        record = new_record(store, s, answers)
    with store.session() as s:
        stored = s.get(Record, record.id)
        assert stored.answers_dict() == answers
        assert stored.answers == json.dumps(
            answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )


def test_unstorable_answers_are_refused(store: Store) -> None:
    with store.session() as s:
        with pytest.raises(ValueError):
            new_record(store, s, {"x": float("nan")})
        with pytest.raises(TypeError):
            new_record(store, s, ["not", "a", "mapping"])
        with pytest.raises(TypeError):
            new_record(store, s, {1: "keys are field names"})
        with pytest.raises(ValueError, match="unknown record status"):
            new_record(store, s, status="finished")
        with pytest.raises(ValueError, match="UUID"):
            new_record(store, s, record_id="ABC")


# -- finding records -------------------------------------------------------------------------


def test_get_record_by_unique_prefix(store: Store) -> None:
    with store.session() as s:
        a = new_record(store, s, record_id="12345678-aaaa-4aaa-8aaa-000000000001")
        b = new_record(store, s, record_id="12345678-aaaa-4aaa-8aaa-000000000002")
        c = new_record(store, s)
    with store.session() as s:
        assert get_record(session=s, record_id=c.id).id == c.id
        assert get_record(session=s, record_id=c.id[:8]).id == c.id
        assert get_record(session=s, record_id=c.id[:8].upper()).id == c.id
        assert get_record(session=s, record_id=a.id).id == a.id
        assert get_record(session=s, record_id=b.id).id == b.id
        for prefix in ("12345678", a.id[:35]):
            with pytest.raises(AmbiguousIdError, match="more than one record") as info:
                get_record(session=s, record_id=prefix)
            assert isinstance(info.value, LookupError)
        with pytest.raises(LookupError, match="at least 8"):
            get_record(session=s, record_id="1234567")
        assert get_record(session=s, record_id="ffffffff-0000") is None
        assert get_record(session=s, record_id="12345678%") is None
        assert get_record(session=s, record_id="00000000-0000-4000-8000-000000000000") is None


def test_list_records_filters_and_orders_most_recent_first(store: Store) -> None:
    with store.session() as s:
        upsert_village(session=s, code="331125001", device_id=store.device_id, name_en="Dadongba")
    ids = []
    for i in range(4):
        with store.session() as s:
            village = "331125001" if i % 2 else None
            form = "profile" if i == 3 else "practice"
            ids.append(new_record(store, s, {"i": i}, village_code=village, form_id=form).id)
    with store.session() as s:
        first = s.get(Record, ids[0])
        revise(store, s, first, {"i": 0, "more": True}, status="complete")
    with store.session() as s:
        assert [r.id for r in list_records(session=s)][0] == ids[0]
        updated = [r.updated_at for r in list_records(session=s)]
        assert updated == sorted(updated, reverse=True)
        assert {r.id for r in list_records(session=s, village_code="331125001")} == {ids[1], ids[3]}
        assert [r.id for r in list_records(session=s, form_id="profile")] == [ids[3]]
        assert [r.id for r in list_records(session=s, status="complete")] == [ids[0]]


def test_only_drafts_can_be_deleted_and_deleted_drafts_keep_their_history(store: Store) -> None:
    with store.session() as s:
        draft = new_record(store, s)
        done = new_record(store, s, status="complete")
    with store.session() as s:
        delete_draft(session=s, record_id=draft.id[:8], actor="Wang Fang", device_id="d")
        with pytest.raises(RecordStateError, match="only drafts can be deleted"):
            delete_draft(session=s, record_id=done.id, actor="Wang Fang", device_id="d")
        with pytest.raises(LookupError):
            delete_draft(
                session=s, record_id="00000000-0000-4000-8000-000000000000", actor="", device_id=""
            )
    with store.session() as s:
        assert [r.id for r in list_records(session=s)] == [done.id]
        assert {r.id for r in list_records(session=s, include_deleted=True)} == {draft.id, done.id}
        kept = get_record(session=s, record_id=draft.id)
        assert kept.deleted and len(history(session=s, record_id=draft.id)) == 1
        with pytest.raises(RecordStateError, match="deleted"):
            revise(store, s, kept, {"x": 1})
        actions = s.exec(select(AuditEntry.action).where(AuditEntry.record_id == draft.id)).all()
        assert actions == ["record.create", "record.delete"]


# -- villages and form definitions ---------------------------------------------------------


def test_villages_upsert_and_provisional(store: Store) -> None:
    with store.session() as s:
        v = upsert_village(
            session=s,
            code="331125001",
            device_id=store.device_id,
            name_zh="大东坝村",
            name_en="Dadongba",
            township="Dadongba",
            county="Songyang",
            latitude=28.3,
            longitude=119.4,
        )
        assert not v.provisional
        upsert_village(session=s, code="331125001", device_id="other", name_en="Dadongba Cun")
        field = upsert_village(session=s, code=None, device_id=store.device_id, name_zh="新村")
    with store.session() as s:
        v = get_village(session=s, code="331125001")
        assert (v.name_en, v.name_zh, v.latitude, v.device_id) == (
            "Dadongba Cun",
            "大东坝村",
            28.3,
            store.device_id,
        )
        assert field.provisional and len(field.code) == 36
        assert [x.code for x in list_villages(session=s, provisional=True)] == [field.code]
        assert [x.code for x in list_villages(session=s, township="Dadongba")] == ["331125001"]
        assert len(list_villages(session=s)) == 2
        with pytest.raises(ValueError, match="latitude"):
            upsert_village(session=s, code="x", device_id="d", latitude=91.0)


def test_form_definitions_keep_old_versions(store: Store) -> None:
    with store.session() as s:
        v1 = add_form_def(session=s, form_id="practice", version="1", title="P", definition=b"one")
        again = add_form_def(
            session=s, form_id="practice", version="1", title="P", definition=b"one"
        )
        assert again.added_at == v1.added_at
        with pytest.raises(RefusedError, match="new version"):
            add_form_def(session=s, form_id="practice", version="1", title="P", definition=b"1b")
    with store.session() as s:
        add_form_def(session=s, form_id="practice", version="2", title="P2", definition=b"two")
        add_form_def(session=s, form_id="profile", version="1", title="V", definition=b"v")
    with store.session() as s:
        latest = get_form_def(session=s, form_id="practice")
        assert (latest.version, latest.definition) == ("2", b"two")
        assert latest.sha256 == hashlib.sha256(b"two").hexdigest()
        assert get_form_def(session=s, form_id="practice", version="1").definition == b"one"
        assert get_form_def(session=s, form_id="nothing") is None
        assert [(f.form_id, f.version) for f in list_form_defs(session=s)] == [
            ("practice", "1"),
            ("practice", "2"),
            ("profile", "1"),
        ]
        assert len(list_form_defs(session=s, form_id="profile")) == 1
