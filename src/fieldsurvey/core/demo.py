"""Realistic sample records for training, screenshots and trying the app.

Record ids are derived from fixed names, so running the demo twice adds nothing the second time,
and a database's sample records can be told from its real ones (``other_records``). Figures are
plausible for Songyang County villages but invented.
"""

from __future__ import annotations

import uuid
from typing import Any

from fieldsurvey.core.errors import RefusedError
from fieldsurvey.core.store import records as rec

_NS = uuid.UUID("6f1c2d7e-5a38-4b1e-9a57-0c3f1e2d4b60")


def demo_id(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


def _rows(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"_row_id": demo_id(f"{name}/{i}"), **row} for i, row in enumerate(rows)]


def _profile(township: str, village: str, date: str, **answers: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "township": township,
        "village": village,
        "enumerator_name": "Wang Li",
        "respondent_role": "director",
        "survey_date": date,
        "consent": "OK",
    }
    return {**base, **answers}


PROFILES: list[tuple[str, bool, dict[str, Any]]] = [
    (
        "profile/SY-SAN-001",
        True,
        _profile(
            "sandu",
            "SY-SAN-001",
            "2026-10-12",
            gps="28.5345 119.51112 612 8",
            respondent_name="叶建华",
            respondent_phone="13857801234",
            interview_start="09:30",
            registered_pop=1012,
            resident_pop=486,
            households=318,
            resident_households=201,
            pop_over_60=212,
            left_behind_elderly=96,
            left_behind_children=18,
            outmigrant_workers=384,
            returnees=27,
            returnee_entrepreneurs=9,
            new_villagers=14,
            population_trend="decreased",
            collective_income=86.5,
            collective_operating_income=41.2,
            per_capita_income=24600,
            main_industries=["tea", "tourism", "crafts"],
            leading_industry="tea",
            tea_area=2150,
            tea_households=240,
            homestays=17,
            homestay_beds=146,
            annual_visitors=68000,
            tourism_revenue=520,
            leading_enterprise="yes",
            leading_enterprise_name="松阳杨家堂文旅发展有限公司",
            traditional_village="national",
            traditional_village_batch="batch_1",
            historic_buildings=38,
            restored_buildings=24,
            restored_use=["homestay", "museum", "public_space"],
            intangible_heritage="松阳高腔；清明祭祖；黄泥墙夯土营造技艺",
            conservation_plan="yes",
            forest_cover=81.5,
            waste_sorting="full",
            sewage_coverage=92,
            eco_problems=["geohazard"],
            road_type="asphalt",
            bus_service="daily",
            bus_trips=6,
            broadband="fibre",
            clinic="yes",
            school="none",
            elderly_care="yes",
            elderly_canteen="yes",
            cultural_hall="yes",
            water_supply="village_system",
            committee_members=7,
            women_committee_members=2,
            villager_meetings=8,
            participatory_planning="yes",
            num_cooperatives=2,
            cooperative=_rows(
                "SY-SAN-001/coop",
                [
                    {
                        "coop_name": "杨家堂茶叶专业合作社",
                        "coop_type": "tea",
                        "coop_members": 132,
                        "coop_founded": 2009,
                        "coop_turnover": 310,
                    },
                    {
                        "coop_name": "Yangjiatang Homestay Alliance",
                        "coop_type": "tourism",
                        "coop_members": 17,
                        "coop_founded": 2017,
                        "coop_turnover": 95,
                    },
                ],
            ),
            distance_county=12.5,
            travel_time=25,
            market_access="township",
            commuter_share=11,
            selling_channels=["tea_market", "online_shop", "visitors"],
            urban_partnership="yes",
            urban_partner_names="China Academy of Art; Hangzhou tea buyers",
            main_challenges="Ageing population; fire safety in rammed-earth houses",
            development_priorities="Restore the remaining 14 historic houses; tea-tourism trail",
            followup_needed="no",
            enumerator_remarks="Interview held in the ancestral hall.",
        ),
    ),
    (
        "profile/SY-SID-001",
        True,
        _profile(
            "sidu",
            "SY-SID-001",
            "2026-10-14",
            gps="28.5202 119.4239 812 10",
            respondent_name="Chen Weiguo",
            respondent_role="party_secretary",
            registered_pop=614,
            resident_pop=203,
            households=228,
            pop_over_60=121,
            left_behind_elderly=64,
            left_behind_children=6,
            outmigrant_workers=301,
            returnees=12,
            returnee_entrepreneurs=5,
            population_trend="stable",
            collective_income=63.0,
            per_capita_income=21800,
            main_industries=["tourism", "tea"],
            leading_industry="tourism",
            tea_area=640,
            tea_households=85,
            homestays=9,
            homestay_beds=88,
            annual_visitors=150000,
            tourism_revenue=1380,
            leading_enterprise="yes",
            leading_enterprise_name="先锋书店（陈家铺平民书局）",
            traditional_village="national",
            traditional_village_batch="batch_3",
            historic_buildings=61,
            restored_buildings=19,
            restored_use=["homestay", "public_space", "workshop"],
            forest_cover=86,
            waste_sorting="full",
            sewage_coverage=88,
            eco_problems=["geohazard", "erosion"],
            road_type="single_lane",
            bus_service="daily",
            bus_trips=4,
            broadband="fibre",
            clinic="no",
            elderly_care="yes",
            elderly_canteen="yes",
            water_supply="spring_well",
            committee_members=5,
            women_committee_members=1,
            num_cooperatives=1,
            cooperative=_rows(
                "SY-SID-001/coop",
                [
                    {
                        "coop_name": "陈家铺乡村旅游合作社",
                        "coop_type": "tourism",
                        "coop_members": 46,
                        "coop_founded": 2018,
                        "coop_turnover": 120,
                    },
                ],
            ),
            distance_county=18,
            travel_time=40,
            market_access="township",
            selling_channels=["visitors", "livestream"],
            urban_partnership="yes",
            urban_partner_names="Librairie Avant-Garde (Nanjing); Shanghai design studios",
            followup_needed="yes",
            followup_time="2026-12-10T10:00:00",
        ),
    ),
    (
        "profile/SY-SID-002",
        True,
        _profile(
            "sidu",
            "SY-SID-002",
            "2026-10-15",
            respondent_name="江丽",
            respondent_role="committee_member",
            registered_pop=284,
            resident_pop=97,
            households=102,
            pop_over_60=61,
            population_trend="stable",
            collective_income=38.2,
            per_capita_income=19800,
            main_industries=["tourism"],
            homestays=6,
            homestay_beds=52,
            annual_visitors=90000,
            traditional_village="national",
            traditional_village_batch="batch_2",
            historic_buildings=28,
            restored_buildings=21,
            restored_use=["homestay", "museum"],
            waste_sorting="partial",
            eco_problems=["none"],
            road_type="single_lane",
            bus_service="weekly",
            broadband="fibre",
            clinic="no",
            elderly_care="no",
            water_supply="spring_well",
            num_cooperatives=0,
            distance_county=16,
            travel_time=35,
            market_access="county",
            selling_channels=["visitors"],
            followup_needed="no",
        ),
    ),
    (
        "profile/SY-DDB-001",
        False,
        _profile(
            "dadongba",
            "SY-DDB-001",
            "2026-11-02",
            respondent_name="阙德明",
            registered_pop=1530,
            resident_pop=702,
            households=486,
            pop_over_60=250,
            main_industries=["tea", "bamboo", "other"],
            traditional_village="national",
            historic_buildings=45,
            restored_buildings=12,
        ),
    ),
]


def _assessment(
    township: str, village: str, date: str, scores: dict[str, int], **answers: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "township": township,
        "village": village,
        "assessor_name": "Li Na",
        "assessor_org": "un_habitat",
        "assessment_date": date,
        "consent": "OK",
    }
    evidence = {
        f"evidence_{k}": f"Observed on site and confirmed by the village committee ({k})."
        for k, v in scores.items()
        if v >= 4
    }
    return {**base, **{f"score_{k}": v for k, v in scores.items()}, **evidence, **answers}


def _scores(*values: int) -> dict[str, int]:
    keys = [
        "relevance",
        "participation",
        "economic",
        "women",
        "elderly",
        "youth",
        "environment",
        "heritage",
        "linkage",
        "replicability",
    ]
    return dict(zip(keys, values, strict=True))


ASSESSMENTS: list[tuple[str, bool, dict[str, Any]]] = [
    (
        "assessment/chenjiapu-bookstore",
        True,
        _assessment(
            "sidu",
            "SY-SID-001",
            "2026-10-14",
            _scores(5, 3, 4, 4, 3, 5, 4, 5, 5, 4),
            practice_name_en="Cliff-side bookstore in a restored rammed-earth house",
            practice_name_zh="陈家铺平民书局：夯土老屋改造的崖居书店",
            category="heritage",
            start_year=2018,
            status="completed",
            description="A vacant rammed-earth house on the cliff edge was restored as a bookstore and reading room run with the village collective, drawing visitors and reviving local crafts.",
            lead_actors=["enterprise", "village_committee", "county_government"],
            scale="single_village",
            stakeholder=_rows(
                "chenjiapu/stake",
                [
                    {
                        "stakeholder_name": "先锋书店",
                        "stakeholder_type": "enterprise",
                        "stakeholder_role": "Operator and investor",
                        "stakeholder_contribution": ["funding", "marketing"],
                    },
                    {
                        "stakeholder_name": "陈家铺村委会",
                        "stakeholder_type": "village_committee",
                        "stakeholder_role": "Leases the building; shares income",
                        "stakeholder_contribution": ["land_buildings", "labour"],
                    },
                    {
                        "stakeholder_name": "Songyang County Government",
                        "stakeholder_type": "county_government",
                        "stakeholder_role": "Heritage subsidy",
                        "stakeholder_contribution": ["funding", "policy"],
                    },
                ],
            ),
            invest_public=120,
            invest_private=380,
            invest_collective=15,
            beneficiary_households=86,
            jobs_created=14,
            women_share=57,
            income_gain=6200,
            sdgs=["sdg_4", "sdg_8", "sdg_11"],
            strengths="Strong architectural quality; visitors spend in village homestays.",
            challenges="Steep access road; seasonal crowding.",
            lessons_learned="Pairing a known urban brand with collective ownership of the building keeps benefits local.",
            recommendation="replicate_adapt",
        ),
    ),
    (
        "assessment/yangjiatang-tea",
        True,
        _assessment(
            "sandu",
            "SY-SAN-001",
            "2026-10-12",
            _scores(5, 4, 5, 3, 3, 3, 4, 3, 4, 5),
            practice_name_en="Songyang Silver Monkey tea cooperative branding",
            practice_name_zh="松阳银猴茶合作社品牌建设",
            category="branding",
            start_year=2012,
            status="ongoing",
            description="Tea growers pooled processing and packaging under a cooperative brand with traceable origin labels, selling through county tea markets and livestreams.",
            lead_actors=["cooperative", "villagers"],
            scale="several_villages",
            villages_covered=6,
            stakeholder=_rows(
                "yangjiatang/stake",
                [
                    {
                        "stakeholder_name": "杨家堂茶叶专业合作社",
                        "stakeholder_type": "cooperative",
                        "stakeholder_role": "Processing and brand owner",
                    },
                ],
            ),
            invest_public=60,
            invest_private=40,
            invest_collective=25,
            beneficiary_households=240,
            jobs_created=35,
            women_share=62,
            income_gain=8800,
            sdgs=["sdg_1", "sdg_8", "sdg_12"],
            strengths="Higher farm-gate price; shared processing equipment.",
            lessons_learned="Quality standards agreed by members matter more than packaging.",
            recommendation="scale_up",
        ),
    ),
    (
        "assessment/pingtian-farmhouses",
        True,
        _assessment(
            "sidu",
            "SY-SID-002",
            "2026-10-15",
            _scores(4, 4, 3, 3, 4, 3, 4, 5, 4, 4),
            practice_name_en="Pingtian farmhouse regeneration and art residency",
            practice_name_zh="平田农耕馆与艺术家驻留",
            category="culture",
            start_year=2015,
            status="completed",
            description="Architects restored a group of mud-brick farmhouses as a farming museum, a workshop and guest rooms, with artists in residence teaching villagers' children.",
            lead_actors=["artists", "village_committee"],
            scale="single_village",
            invest_public=200,
            invest_private=150,
            invest_collective=10,
            beneficiary_households=60,
            jobs_created=11,
            women_share=45,
            sdgs=["sdg_11", "sdg_4"],
            strengths="Design quality; kept original structure.",
            lessons_learned="Small interventions can change how a village sees its old houses.",
            recommendation="replicate_adapt",
        ),
    ),
    (
        "assessment/chapai-ecology",
        False,
        _assessment(
            "dadongba",
            "SY-DDB-001",
            "2026-11-02",
            {},
            practice_name_en="Shicang river restoration",
            practice_name_zh="石仓溪生态修复",
            category="ecology",
            start_year=2021,
        ),
    ),
]


def demo_ids() -> frozenset[str]:
    """The ids of every sample record."""
    return frozenset(demo_id(name) for name, _, _ in (*PROFILES, *ASSESSMENTS))


def other_records(ws: Any) -> int:
    """How many records in the database are not sample records (deleted drafts included):
    a database with any is someone's real work, where sample records do not belong."""
    ours = demo_ids()
    with ws.store.session(write=False) as s:
        found = rec.list_records(session=s, include_deleted=True)
    return sum(1 for r in found if r.id not in ours)


def check_demo_target(ws: Any) -> None:
    """Refuse a database that holds records of its own: sample records added there would go
    out in its exports and, once complete, could not be deleted."""
    if other_records(ws):
        raise RefusedError(
            "{path} holds records that are not sample records; give the demo a database of "
            "its own, or add --force to mix sample records in",
            path=ws.store.path,
        )


def add_demo_data(ws: Any) -> int:
    """Add the sample records that are not yet in the database; returns how many were added."""
    existing = {r.id for r in ws.records()}
    added = 0
    for form_id, records in (("village_profile", PROFILES), ("practice_assessment", ASSESSMENTS)):
        for name, complete, answers in records:
            record_id = demo_id(name)
            if record_id in existing:
                continue
            ws.add_record(form_id, answers, complete=complete, record_id=record_id)
            added += 1
    return added
