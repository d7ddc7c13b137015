"""`pos-loyalty reset-points --yes`: every client's automatic points taken back by reversing entries (the
ledger is append-only), the manual ones and the bonuses kept; a recalculation then gives them back."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from pos_loyalty.core.lots import is_expired
from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, PointsAccount, PointsLot
from salon_setup import add_item, add_reward, add_rule, balance, give_points, new_client, sell, set_program

AUTOMATIC = ("earn", "service", "bonus")


def accounts_agree(app, today: date) -> dict[int, int]:
    """Every account: balance == the sum of its ledger == its live lots less its debt. Returns the balances."""
    with app.app_context():
        balances = {}
        for account in db.session.scalars(select(PointsAccount)):
            ledger = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                       .where(LedgerEntry.account_id == account.id))
            lots = db.session.scalars(select(PointsLot).where(PointsLot.account_id == account.id)).all()
            live = sum(lot.remaining for lot in lots if not is_expired(lot.expires_on, today))
            assert account.balance == ledger == live - account.debt, account.client_id
            balances[account.client_id] = account.balance
        return balances


def automatic(app, client_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                 .join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
                                 .where(PointsAccount.client_id == client_id, LedgerEntry.kind.in_(AUTOMATIC)))


def entries(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(LedgerEntry.id)))


def test_reset_keeps_manual_points_and_bonuses_and_recalculation_gives_the_rest_back(app, api, clock):
    set_program(api, points_per_unit="1", validity_months=12, referrer_bonus=30, welcome_bonus=10)
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    add_rule(api, kind="service", service_code="CUT", points=10)
    reward = add_reward(api, "5 € off", 60, value="5.00")
    marie = new_client(api, "Marie", "Dupont")
    anna = new_client(api, "Anna", "Perrin", referred_by=marie["referral_code"])
    give_points(api, marie["id"], 25, "Paper card")
    sell(api, anna["id"], ("CUT", 1, "40.00"))  # 50 + welcome 10; Marie's referral 30
    sell(api, marie["id"], ("CUT", 2, "40.00"))  # 100
    clock.advance(days=3)
    spend = sell(api, marie["id"], ("CUT", 1, "40.00"), pay=False)
    api.ok("POST", f"/sales/{spend['id']}/redemptions", {"reward_id": reward["id"]})
    due = api.ok("GET", f"/sales/{spend['id']}")["due"]
    api.ok("POST", f"/sales/{spend['id']}/payments", {"amount": due, "method": "card"})
    today = clock().date()
    before = accounts_agree(app, today)
    assert before[marie["id"]] == 25 + 30 + 100 - 60 + 45 and before[anna["id"]] == 60

    runner = app.test_cli_runner()
    refused = runner.invoke(args=["reset-points"], input="n\n")
    assert refused.exit_code != 0 and entries(app) > 0 and balance(api, anna["id"]) == 60
    result = runner.invoke(args=["reset-points", "--yes"])
    assert result.exit_code == 0, result.output
    assert "195 points taken back over 3 sales (2 clients)" in result.output
    after = accounts_agree(app, today)
    # Marie: her adjustment and her referral bonus stay, the 60 she redeemed stay spent.
    assert after[marie["id"]] == 25 + 30 - 60 and after[anna["id"]] == 10
    assert automatic(app, marie["id"]) == automatic(app, anna["id"]) == 0
    history = api.ok("GET", f"/clients/{anna['id']}/ledger")["items"]
    assert [(e["kind"], e["points"]) for e in history][:2] == [("service", -10), ("earn", -40)]
    assert "automatic points reset" in history[0]["description"] or "remis" in history[0]["description"]

    written = entries(app)
    assert "0 points taken back" in runner.invoke(args=["reset-points", "--yes"]).output
    assert entries(app) == written  # twice changes nothing

    back = runner.invoke(args=["recalculate", "--period", "all"])
    assert back.exit_code == 0, back.output
    assert accounts_agree(app, today) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "adjust")) == 1
