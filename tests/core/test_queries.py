"""The views' list queries give the same rows, in the same order, on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldsurvey.core import queries as q
from fieldsurvey.core.store import (
    Store,
    add_form_def,
    create_record,
    open_store,
    upsert_village,
)

# (code, name_zh, name_en, township, township_zh)
VILLAGES = [
    ("SY-XP-001", "横山村", "Hengshan", "xiping", "西屏街道"),
    ("SY-XP-002", "下圳村", "xiazhen", "xiping", "西屏街道"),
    ("SY-SAN-001", "杨家堂村", "Yangjiatang", "sandu", "三都乡"),
    ("SY_OLD_7", "百分村", "100% Cun", "", ""),
]
A, B, C, D = (v[0] for v in VILLAGES)
ID = "{:08x}-0000-4000-8000-000000000000".format


@pytest.fixture
def store(database: Path | str) -> Iterator[Store]:
    with open_store(database) as opened:
        with opened.session() as s:
            for form_id in ("tiny_b", "tiny-a"):
                for version in ("1", "2"):
                    add_form_def(
                        session=s, form_id=form_id, version=version, title="", definition=b""
                    )
            for code, zh, en, township, township_zh in VILLAGES:
                upsert_village(
                    session=s,
                    code=code,
                    device_id=opened.device_id,
                    name_zh=zh,
                    name_en=en,
                    township=township,
                    township_zh=township_zh,
                )
            records = [
                (q.PROFILE_FORM, A, "draft", "叶", {"note": "tea terraces"}),
                (q.PROFILE_FORM, B, "complete", "Wang Li", {"note": "bamboo"}),
                (q.ASSESSMENT_FORM, A, "complete", "Wang Li", {"practice": "homestay"}),
                (q.ASSESSMENT_FORM, A, "draft", "叶", {"practice": "50% off"}),
                (q.ASSESSMENT_FORM, None, "draft", "Zhao", {"practice": "Tea Branding"}),
            ]
            for n, (form, village, status, who, answers) in enumerate(records, start=1):
                create_record(
                    session=s,
                    form_id=form,
                    form_version="1",
                    answers=answers,
                    status=status,
                    village_code=village,
                    author=who,
                    device_id=opened.device_id,
                    hlc=opened.hlc_now(session=s),
                    record_id=ID(n),
                )
        yield opened


def villages(store: Store, **kw) -> list[str]:
    with store.session(write=False) as s:
        return [r.code for r in q.village_page(session=s, **kw)]


def records(store: Store, **kw) -> list[str]:
    with store.session(write=False) as s:
        return [r.id for r in q.record_page(session=s, **kw)]


def test_village_rows_sort_filter_and_count_alike(store: Store) -> None:
    with store.session(write=False) as s:
        rows = {r.code: r for r in q.village_page(session=s)}
        assert (rows[A].profile, rows[A].assessments) == (q.PROFILE_DRAFT, 2)
        assert (rows[B].profile, rows[B].assessments) == (q.PROFILE_COMPLETE, 0)
        assert (rows[C].profile, rows[C].assessments, rows[C].provisional) == ("none", 0, False)
        assert q.village_count(session=s) == 4
        assert q.village_count(session=s, flt=q.VillageFilter(search="XP")) == 2
        assert q.townships(session=s) == [("sandu", "三都乡"), ("xiping", "西屏街道")]
        assert q.village(session=s, code=B).name_en == "xiazhen"
    assert villages(store) == [C, A, B, D]  # code order: '-' before '_', as bytes sort
    assert villages(store, sort="name_en") == [D, A, B, C]  # case-blind
    assert villages(store, sort="profile", descending=True) == [B, A, D, C]
    assert villages(store, sort="assessments", descending=True)[0] == A
    assert villages(store, offset=1, limit=2) == [A, B]
    assert villages(store, flt=q.VillageFilter(search="heng")) == [A]
    assert villages(store, flt=q.VillageFilter(search="杨家")) == [C]
    assert villages(store, flt=q.VillageFilter(search="西屏")) == [A, B]
    assert villages(store, flt=q.VillageFilter(search="100%")) == [D]  # % is a character
    assert villages(store, flt=q.VillageFilter(search="0%")) == [D]
    assert villages(store, flt=q.VillageFilter(township="xiping")) == [A, B]


def test_record_rows_sort_filter_and_count_alike(store: Store) -> None:
    newest_first = [ID(n) for n in (5, 4, 3, 2, 1)]
    assert records(store) == newest_first
    assert records(store, descending=False) == newest_first[::-1]
    assert records(store, sort="village", descending=False) == [ID(n) for n in (5, 2, 1, 3, 4)]
    assert records(store, sort="form", descending=False) == [ID(n) for n in (3, 4, 5, 1, 2)]
    assert records(store, sort="enumerator", descending=False) == [ID(n) for n in (2, 3, 5, 1, 4)]
    assert records(store, flt=q.RecordFilter(search="tea")) == [ID(5), ID(1)]  # any answer
    assert records(store, flt=q.RecordFilter(search="50%")) == [ID(4)]
    assert records(store, flt=q.RecordFilter(search="横山")) == [ID(4), ID(3), ID(1)]
    assert records(store, flt=q.RecordFilter(search="00000003")) == [ID(3)]
    flt = q.RecordFilter(form_id=q.ASSESSMENT_FORM, status="draft")
    assert records(store, flt=flt) == [ID(5), ID(4)]
    with store.session(write=False) as s:
        assert q.record_count(session=s) == 5
        assert q.record_count(session=s, flt=q.RecordFilter(village_code=A)) == 3
        assert q.form_ids(session=s) == ["tiny-a", "tiny_b"]
        [row] = q.record_page(session=s, flt=q.RecordFilter(search="xiazhen"))
        assert (row.village_zh, row.village_en, row.status) == ("下圳村", "xiazhen", "complete")


def test_records_with_open_conflicts_are_a_filter_of_their_own(store: Store) -> None:
    from sqlalchemy import update

    from fieldsurvey.core.store.models import Record

    with store.session() as s:
        s.execute(update(Record).where(Record.id == ID(2)).values(conflicts=3))
    with store.session(write=False) as s:
        flt = q.RecordFilter(status="conflict")
        rows = q.record_page(session=s, flt=flt)
        assert [(r.id, r.status, r.conflicts) for r in rows] == [(ID(2), "complete", 3)]
        assert q.record_count(session=s, flt=flt) == 1
        others = q.record_page(session=s, flt=q.RecordFilter(status="complete"))
        assert {r.id: r.conflicts for r in others}[ID(2)] == 3
