"""`pos-loyalty recalculate --period`: the automatic points of the period's paid sales by today's rules,
manual points untouched, a second run changing nothing; imported history earns only then.

The photo studio's scenario 4 (../shared/seeds): PORTRAIT = 50 points a session and 1 point per euro, a
client with 8 sessions and 2,400 € spent within the last 12 months has 2,800 automatic points."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, PointsAccount, Sale
from pos_loyalty.services import recalculation
from salon_setup import add_item, add_rule, balance, give_points, new_client, sell, set_program
from test_recalculation import build_history, ledger_state, twins  # noqa: F401 (a fixture)

HEADER = "date,sale,client,first_name,last_name,code,name,kind,category,quantity,unit_price\n"
AUTOMATIC = ("earn", "service", "bonus")


@dataclass(frozen=True)
class Studio:
    """One variant of the scenario: the rule values and the client's sessions (date, price)."""

    points_per_unit: str
    portrait_points: int
    recent: tuple[tuple[str, str], ...]  # within the last 12 months (today is 22 November 2026)
    old: tuple[tuple[str, str], ...]  # about 14 months old
    adjustment: int

    def points(self, sessions) -> int:
        ratio = Decimal(self.points_per_unit)
        return sum(self.portrait_points + math.floor(Decimal(price) * ratio) for _, price in sessions)


SCENARIO_4 = Studio("1", 50, tuple((day, "300.00") for day in (
    "2025-12-06", "2026-01-17", "2026-02-28", "2026-04-11", "2026-05-23", "2026-07-04", "2026-09-12", "2026-11-14")),
    old=(("2025-09-20", "150.00"), ("2025-09-27", "90.00")), adjustment=35)
VARIANT = Studio("1.5", 30, (("2026-01-03", "120.50"), ("2026-03-09", "99.99"), ("2026-06-30", "210.00"),
                             ("2026-10-02", "45.35"), ("2026-11-21", "333.33")),
                 old=(("2025-08-30", "80.00"),), adjustment=12)


def studio_csv(studio: Studio, email: str) -> str:
    rows = [f"{day},S-{n},{email},Camille,Roux,PORTRAIT,,,,1,{price}\n"
            for n, (day, price) in enumerate(studio.old + studio.recent, start=1)]
    return HEADER + "".join(rows)


def automatic_points(app, client_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                 .join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
                                 .where(PointsAccount.client_id == client_id, LedgerEntry.kind.in_(AUTOMATIC)))


def entries_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(LedgerEntry.id)))


@pytest.mark.parametrize("studio", [SCENARIO_4, VARIANT], ids=["scenario-4", "variant"])
def test_scenario_4_imported_sessions_recalculated_over_12_months(app, api, tmp_path, studio):
    assert studio.points(studio.recent) == (2_800 if studio is SCENARIO_4 else studio.points(studio.recent))
    set_program(api, points_per_unit=studio.points_per_unit, validity_months=None)
    add_item(api, "PORTRAIT", "Portrait", "75.00", category="photo")
    add_rule(api, kind="service", service_code="PORTRAIT", points=studio.portrait_points)
    camille = new_client(api, "Camille", "Roux", email="camille@studio.example")
    give_points(api, camille["id"], studio.adjustment, "Points from the paper card")

    path = tmp_path / "history.csv"
    path.write_text(studio_csv(studio, "Camille@Studio.example"), encoding="utf-8")
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["import-sales", str(path)])
    assert imported.exit_code == 0, imported.output
    sessions = len(studio.recent) + len(studio.old)
    assert f"{sessions} sales imported" in imported.output and "0 new clients" in imported.output
    assert balance(api, camille["id"]) == studio.adjustment  # history earns nothing until recalculated
    with app.app_context():
        sources = db.session.execute(select(Sale.source, Sale.till_id, Sale.status).where(
            Sale.client_id == camille["id"])).all()
    assert set(sources) == {("import", None, "paid")} and len(sources) == sessions

    first = runner.invoke(args=["recalculate", "--period", "12m"])
    assert first.exit_code == 0, first.output
    assert "Recalculating" in first.output
    assert automatic_points(app, camille["id"]) == studio.points(studio.recent)
    assert balance(api, camille["id"]) == studio.points(studio.recent) + studio.adjustment  # manual ones kept
    assert f"over {len(studio.recent)} sales" in first.output

    written = entries_count(app)
    again = runner.invoke(args=["recalculate", "--period", "12m"])
    assert again.exit_code == 0, again.output
    assert "0 points added, 0 taken back" in again.output and entries_count(app) == written

    everything = runner.invoke(args=["recalculate", "--period", "all"])
    assert everything.exit_code == 0, everything.output
    assert automatic_points(app, camille["id"]) == studio.points(studio.recent + studio.old)
    assert balance(api, camille["id"]) == studio.points(studio.recent + studio.old) + studio.adjustment
    written = entries_count(app)
    assert "0 points added" in runner.invoke(args=["recalculate", "--period", "all"]).output
    assert entries_count(app) == written


def test_today_s_rules_raise_and_lower_what_past_sales_earned(app, api, clock):
    """Sales that earned at the till under other rules: more due is credited, less due taken back (from the
    sale's own lots, as a refund takes them); bonuses and adjustments are never touched."""
    set_program(api, points_per_unit="1", validity_months=12, referrer_bonus=30, welcome_bonus=10)
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    add_item(api, "COL", "Couleur", "60.00", category="colour")
    cut_rule = add_rule(api, kind="service", service_code="CUT", points=10)
    godmother = new_client(api, "Marie", "Dupont")
    anna = new_client(api, "Anna", "Perrin", referred_by=godmother["referral_code"])
    give_points(api, anna["id"], 7)
    sell(api, anna["id"], ("CUT", 1, "40.00"))  # 40 + 10 + welcome 10
    sell(api, anna["id"], ("COL", 1, "60.00"))  # 60
    assert balance(api, anna["id"]) == 7 + 50 + 10 + 60
    assert balance(api, godmother["id"]) == 30

    # Today: 2 points per euro, CUT worth 5, colour 25.
    set_program(api, points_per_unit="2")
    api.ok("PATCH", f"/rules/{cut_rule['id']}", {"points": 5}, as_="manager")
    add_rule(api, kind="category", category="colour", points=25)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["recalculate", "--period", "3m"])
    assert result.exit_code == 0, result.output
    assert automatic_points(app, anna["id"]) == (80 + 5) + (120 + 25)
    assert balance(api, anna["id"]) == 7 + 10 + 80 + 5 + 120 + 25  # the adjustment and the welcome bonus stay
    assert balance(api, godmother["id"]) == 30
    history = api.ok("GET", f"/clients/{anna['id']}/ledger")["items"]
    assert [(e["kind"], e["points"]) for e in history if e["kind"] == "service"][0] == ("service", 25)
    assert ("service", -5) in [(e["kind"], e["points"]) for e in history]  # CUT: 10 → 5, taken back
    assert "0 points added, 0 taken back" in runner.invoke(args=["recalculate", "--period", "3m"]).output

    # A refund afterwards takes back exactly what the sale holds now (80 + 5, not 40 + 10 + 40).
    sales = api.ok("GET", f"/clients/{anna['id']}/ledger")["items"]
    cut_sale = next(e["sale_id"] for e in sales if e["kind"] == "service" and e["points"] == -5)
    refund = api.ok("POST", f"/sales/{cut_sale}/refund", as_="manager")
    assert refund["points_reversed"] == 85 + 10  # with the welcome bonus of that first sale, as ever
    assert balance(api, anna["id"]) == 7 + 120 + 25


def test_the_period_follows_the_salon_s_months_and_since_still_works(app, api):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["recalculate"]).exit_code != 0  # a period or a day is needed
    assert runner.invoke(args=["recalculate", "--period", "2m"]).exit_code != 0
    both = runner.invoke(args=["recalculate", "--period", "3m", "--since", "2026-01-01"])
    assert both.exit_code != 0 and "--period" in both.output
    with app.app_context():
        start = recalculation.period_start("3m")
    assert start.isoformat() == "2026-08-21T22:00:00+00:00"  # 22 August, midnight in Paris
    assert runner.invoke(args=["recalculate", "--since", "2026-01-01"]).exit_code == 0


def test_batched_and_sale_by_sale_agree_when_rules_rise_and_fall(twins, monkeypatch):  # noqa: F811
    """The history of test_recalculation, brought to today's rules once credited, then under rules that
    fall (points taken back, debts) and rise: the batched path writes what the sale-by-sale one writes."""
    batched, reference = twins
    for twin in twins:
        build_history(twin.api, twin.clock)
    monkeypatch.setattr(recalculation, "BATCH_SALES", 3)
    monkeypatch.setattr(recalculation, "BATCH_CLIENTS", 2)
    since = date(2026, 1, 1)
    for step in ("credit", "lower", "raise"):
        for twin in twins:
            if step == "lower":
                set_program(twin.api, points_per_unit="0.5")
                rules = twin.api.ok("GET", "/rules", as_="manager")
                for rule in rules:
                    if rule["kind"] == "multiplier":
                        twin.api.ok("DELETE", f"/rules/{rule['id']}", as_="manager")
            if step == "raise":
                set_program(twin.api, points_per_unit="3")
                add_rule(twin.api, kind="category", category="cut", points=15)
        with batched.app.app_context():
            net = recalculation.recalculate(since)
        with reference.app.app_context():
            assert recalculation.recalculate_sale_by_sale(since) == net
        assert ledger_state(batched.app) == ledger_state(reference.app), step
        if step == "lower":
            assert net < 0
        with batched.app.app_context():
            assert recalculation.recalculate(since) == 0
        assert ledger_state(batched.app) == ledger_state(reference.app)
