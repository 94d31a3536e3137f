"""The default world is what its script makes, covers every case the spec lists, and its ID
numbers and EANs carry valid check digits; generated worlds load into a database once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulators.central.db import Database
from simulators.central.world import WorldError, load_world
from simulators.worlds import build, default
from simulators.worlds.generate import write_world

WORLD = json.loads(default.DEFAULT_PATH.read_text(encoding="utf-8"))
PEOPLE = WORLD["persons"]


def _gb11643_valid(certno: str) -> bool:
    total = sum(int(c) * w for c, w in zip(certno[:17], build.ID_WEIGHTS, strict=True))
    return len(certno) == 18 and certno[:17].isdigit() and certno[17] == "10X98765432"[total % 11]


def _ean_valid(code: str) -> bool:
    digits = [int(c) for c in code]
    return len(code) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def test_default_json_is_exactly_what_the_script_writes(tmp_path: Path) -> None:
    out = tmp_path / "default.json"
    default.main(["--out", str(out)])
    assert out.read_bytes() == default.DEFAULT_PATH.read_bytes()


def test_every_id_number_has_a_valid_check_digit() -> None:
    assert all(_gb11643_valid(p["certno"]) for p in PEOPLE)
    assert len({p["certno"] for p in PEOPLE}) == len(PEOPLE)


def test_a_wrong_check_digit_is_detected_by_the_checker() -> None:
    certno = PEOPLE[0]["certno"]
    wrong = certno[:17] + ("0" if certno[17] != "0" else "1")
    assert not _gb11643_valid(wrong)


def test_drugs_have_valid_eans_starting_with_69() -> None:
    eans = [c["ean"] for c in WORLD["catalogue"] if c["ean"]]
    assert len(eans) >= 10
    assert all(e.startswith("69") and _ean_valid(e) for e in eans)


def test_default_world_covers_the_listed_cases() -> None:
    assert {p["insutype"] for p in PEOPLE} == {"310", "390"}
    assert {"11", "21", "1401", "1402", "1403"} <= {p["psn_type"] for p in PEOPLE}
    identities = {i["psn_idet_type"] for p in PEOPLE for i in p.get("idet", [])}
    assert {"2302", "2303", "2304"} <= identities
    regions = {p["insuplc_admdvs"] for p in PEOPLE}
    assert {"440300", "440100", "330600", "110100"} <= regions
    assert set(regions) <= set(WORLD["policies"])
    assert any(p["psn_insu_stas"] != "1" for p in PEOPLE)
    assert any(p["balc"] == "0.00" and p["insutype"] == "310" for p in PEOPLE)
    assert any(p["ytd"]["outpatient"]["hifp_paid"] == "3000.00" for p in PEOPLE if "ytd" in p)
    assert any(p.get("mulaid") for p in PEOPLE)
    assert any(p.get("pending_orders") for p in PEOPLE)
    versions = {c["version"] for p in PEOPLE for c in p["cards"]}
    assert {"1.00", "2.00", "3.00"} <= versions
    assert any(c["expires"] < "2026-01-01" for p in PEOPLE for c in p["cards"])


def test_four_faces_are_enrolled_and_the_impostor_is_not() -> None:
    images = [p["face_image"] for p in PEOPLE if p.get("face_image")]
    names = {Path(i).name.split("_")[0] for i in images}
    assert names == {"obama", "biden", "leslie", "lacamoire"}
    assert all((default.DEFAULT_PATH.parent / i).is_file() for i in images)


def test_levels_of_the_institutions() -> None:
    levels = {i["fixmedins_code"]: i["level"] for i in WORLD["institutions"]}
    assert levels["H44030000001"] == "2" and levels["P44030000002"] == "pharmacy"
    assert {"1", "2", "3", "pharmacy"} == set(levels.values())


def test_generated_world_loads_once_and_keeps_state_on_reload(tmp_path: Path) -> None:
    world = tmp_path / "world.json"
    write_world(world, 500, seed=3)
    db = Database(tmp_path / "central.db")
    loaded = load_world(db, world)
    assert loaded.region == "440300"
    count = db.conn().execute("SELECT COUNT(*) FROM persons").fetchone()[0]
    assert count == 500
    with db.write() as conn:
        conn.execute("UPDATE persons SET balc = '1.23' WHERE psn_no = ?", (build.psn_no(1),))
    load_world(Database(tmp_path / "central.db"), world)
    row = db.conn().execute("SELECT balc FROM persons WHERE psn_no = ?", (build.psn_no(1),))
    assert row.fetchone()[0] == "1.23"


def test_generated_world_has_valid_people(tmp_path: Path) -> None:
    world = tmp_path / "world.json"
    write_world(world, 200, seed=9)
    people = json.loads(world.read_text(encoding="utf-8"))["persons"]
    assert len(people) == 200
    assert all(_gb11643_valid(p["certno"]) for p in people)


def test_a_database_refuses_another_world(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    write_world(first, 10, seed=1)
    write_world(second, 10, seed=2)
    load_world(Database(tmp_path / "central.db"), first)
    with pytest.raises(WorldError, match="another world"):
        load_world(Database(tmp_path / "central.db"), second)


def test_the_default_world_has_the_city_plan_and_its_holders(tmp_path: Path) -> None:
    world = load_world(Database(tmp_path / "central.db"), default.DEFAULT_PATH)
    plan = world.plans["SZHMB2026"]
    assert plan.covers == ("fulamt_ownpay_amt", "overlmt_selfpay") and plan.ratio < 1
    data = json.loads(default.DEFAULT_PATH.read_text(encoding="utf-8"))
    holders = [p["psn_no"][-2:] for p in data["persons"] if p.get("policies")]
    assert holders == ["38", "39"]


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("ratio", "1.5", "ratio"),
        ("covers", ["hifp_pay"], "covers"),
        ("enddate", "2025-01-01", "ends"),
    ],
)
def test_a_malformed_plan_is_refused_naming_it(tmp_path: Path, field, value, named) -> None:
    data = json.loads(default.DEFAULT_PATH.read_text(encoding="utf-8"))
    data["commercial_plans"][0][field] = value
    broken = tmp_path / "world.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(WorldError, match=named):
        load_world(Database(tmp_path / "central.db"), broken)
