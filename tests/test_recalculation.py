"""Recalculating history credits past sales that earned nothing, once, with their own expiry (the sales that
earned already are brought to today's rules: tests/test_recalculate_period.py)."""
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import birthday_plugin
from conftest import START, ApiClient, make_tokens
from pos_loyalty import create_app
from pos_loyalty.clock import FrozenClock
from pos_loyalty.core.lots import is_expired
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, LedgerEntry, LotConsumption, PointsAccount, PointsLot, Redemption, Sale
from pos_loyalty.services import recalculation
from pos_loyalty.services.setup import ensure_salon
from salon_setup import add_item, add_reward, add_rule, balance, new_client, sell, set_program


def test_sales_made_while_disabled_are_credited_once(app, api, clock):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_rule(api, kind="service", service_code="CUT", points=10)
    set_program(api, enabled=False, validity_months=12)
    client = new_client(api, "Hélène", "Dupré")
    other = new_client(api, "Zoé", "Faure")
    old = sell(api, client["id"], ("CUT", 1, "40.00"))  # 22 Nov 2026
    clock.advance(days=400)
    sell(api, client["id"], ("CUT", 2, "40.00"))
    sell(api, other["id"], ("CUT", 1, "40.00"))
    set_program(api, enabled=True)
    earned_already = sell(api, other["id"], ("CUT", 1, "40.00"))
    assert earned_already["points_earned"] == 50

    runner = app.test_cli_runner()
    result = runner.invoke(args=["recalculate", "--since", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "200 points added, 0 taken back over 4 sales (3 changed" in result.output
    # The old sale's 50 points expired on 22 Nov 2027: credited and gone, as they would have been.
    assert balance(api, client["id"]) == 100
    assert balance(api, other["id"]) == 50 + 50
    history = api.ok("GET", f"/clients/{client['id']}/ledger")["items"]
    kinds = [(e["kind"], e["points"], e["sale_id"]) for e in history]
    assert ("expire", -50, None) in kinds and ("earn", 40, old["sale"]["id"]) in kinds

    again = runner.invoke(args=["recalculate", "--since", "2026-01-01"])
    assert "0 points added, 0 taken back over 4 sales (0 changed" in again.output
    assert balance(api, client["id"]) == 100


def test_recalculation_does_nothing_while_disabled_and_refuses_bad_dates(app, api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    set_program(api, enabled=False)
    client = new_client(api, "Paul", "Roux")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    runner = app.test_cli_runner()
    assert "0 points added" in runner.invoke(args=["recalculate", "--since", "2026-01-01"]).output
    bad = runner.invoke(args=["recalculate", "--since", "yesterday"])
    assert bad.exit_code != 0 and "yesterday" in bad.output


# --- the batched path writes what crediting the sales one by one writes ---------------------------------
RECALCULATED_AT = datetime(2027, 11, 28, 9, 0, tzinfo=UTC)


@dataclass
class Twin:
    app: object
    api: ApiClient
    clock: FrozenClock


@pytest.fixture
def twins(app_config, database_pools, backend):
    """Two salons with the same plugins (the birthday one too) on two fresh databases of the backend."""
    pool, made = database_pools(backend), []
    for _ in range(2):
        url, clock = pool.fresh(), FrozenClock(START)
        app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url, "CLOCK": clock, "PLUGINS": [birthday_plugin]})
        with app.app_context():
            ensure_salon(name="Salon Étoile")
        made.append((url, Twin(app, ApiClient(app.test_client(), *make_tokens(app)), clock)))
    yield [twin for _, twin in made]
    for url, twin in made:
        with twin.app.app_context():
            db.engine.dispose()
        pool.drop(url)


def build_history(api, clock) -> dict[str, int]:
    """A year of a salon: points earned, spent and refunded into a debt, then sales while the program was
    off (some old enough that their points are already past their validity), then the program back on."""
    set_program(api, enabled=True, validity_months=12, products_earn=False, discounted_sales_earn=True)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "COL", "Couleur", "60.00", category="colour")
    add_item(api, "SHAMP", "Shampoing", "12.00", kind="product")
    add_rule(api, kind="service", service_code="CUT", points=10)
    add_rule(api, kind="category", category="colour", points=20)
    add_rule(api, kind="multiplier", factor="2", weekdays=[7], description="Sunday ×2")
    reward = add_reward(api, "5 € off", 90, kind="amount_off", value="5.00")
    debtor = new_client(api, "Hélène", "Dupré")
    clients = {
        "debtor": debtor["id"],
        "birthday": new_client(api, "Claire", "Noël", birth_date="1990-11-03")["id"],
        "old": new_client(api, "Zoé", "Faure")["id"],
        "holder": new_client(api, "Marc", "Blanc")["id"],
        "lapsed": new_client(api, "Nina", "Garnier")["id"],
        "shopper": new_client(api, "Anna", "Perrin")["id"],
        "referred": new_client(api, "Paul", "Roux", referred_by=debtor["referral_code"])["id"],
        "subscriber": new_client(api, "Léa", "Petit", subscriber=True)["id"],
    }
    # Sunday 22 November 2026, the program on.
    first = sell(api, clients["debtor"], ("CUT", 1, "40.00"))  # 40 x2 + 10
    spend = sell(api, clients["debtor"], ("SHAMP", 1, "12.00"), pay=False)  # retail earns nothing yet
    api.ok("POST", f"/sales/{spend['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{spend['id']}/payments", {"amount": "7.00", "method": "card"})
    api.ok("POST", f"/sales/{first['sale']['id']}/refund", as_="manager")  # the 90 points were spent: a debt
    assert balance(api, clients["debtor"]) == -90
    sell(api, clients["holder"], ("COL", 1, "60.00"))  # 140 points, valid until 22 November 2027
    sell(api, clients["lapsed"], ("CUT", 1, "40.00"))  # 90 points, valid until 22 November 2027
    sell(api, clients["shopper"], ("SHAMP", 1, "12.00"))  # nothing for retail, yet
    set_program(api, enabled=False)
    sell(api, clients["old"], ("CUT", 1, "40.00"))
    # Friday 5 and Sunday 7 November 2027, the program off.
    clock.set(datetime(2027, 11, 5, 15, 0, tzinfo=UTC))
    sell(api, clients["debtor"], ("COL", 1, "60.00"))
    sell(api, clients["birthday"], ("CUT", 1, "40.00"))
    sell(api, clients["referred"], ("CUT", 1, "40.00"))
    sell(api, clients["subscriber"], ("CUT", 1, "40.00"))
    sell(api, clients["holder"], ("CUT", 1, "40.00"))
    sell(api, clients["lapsed"], ("CUT", 1, "40.00"))
    discounted = api.ok("POST", "/sales", {"client_id": clients["shopper"], "discount_code": "AUTUMN",
                                           "discount_amount": "10.00",
                                           "lines": [{"code": "CUT", "quantity": 1, "unit_price": "40.00"}]})
    api.ok("POST", f"/sales/{discounted['id']}/payments", {"amount": discounted["due"], "method": "card"})
    clock.set(datetime(2027, 11, 7, 10, 0, tzinfo=UTC))
    sell(api, clients["debtor"], ("CUT", 1, "40.00"))
    sell(api, clients["birthday"], ("COL", 1, "60.00"))
    # 20 November 2027: the program back on, retail earning; one client holds a reward on an open sale.
    clock.set(datetime(2027, 11, 20, 10, 0, tzinfo=UTC))
    set_program(api, enabled=True, products_earn=True)
    assert sell(api, clients["shopper"], ("CUT", 1, "40.00"))["points_earned"] == 50
    held = sell(api, clients["holder"], ("CUT", 1, "40.00"), pay=False)
    api.ok("POST", f"/sales/{held['id']}/redemptions", {"reward_id": reward["id"]})
    clock.set(RECALCULATED_AT)
    return clients


def ledger_state(app, swept: bool = True) -> dict:
    """Every client's history as the ledger, lots and consumptions tell it (ids replaced by positions).
    `swept`: every client's expired points have left (checks balance == ledger == live lots - debt)."""
    today = RECALCULATED_AT.date()
    with app.app_context():
        state = {}
        for client in db.session.scalars(select(Client).order_by(Client.id)):
            account = db.session.scalars(select(PointsAccount).where(PointsAccount.client_id == client.id)).one()
            entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.account_id == account.id)
                                         .order_by(LedgerEntry.id)).all()
            lots = db.session.scalars(select(PointsLot).where(PointsLot.account_id == account.id)
                                      .order_by(PointsLot.id)).all()
            entry_at = {entry.id: n for n, entry in enumerate(entries)}
            lot_at = {lot.id: n for n, lot in enumerate(lots)}
            takes = db.session.scalars(select(LotConsumption).where(LotConsumption.entry_id.in_(list(entry_at)))).all()
            live = sum(lot.remaining for lot in lots if not is_expired(lot.expires_on, today))
            assert account.balance == sum(e.points for e in entries), client.first_name
            if swept:
                assert account.balance == live - account.debt, client.first_name
            state[client.first_name] = {
                "account": (account.balance, account.held, account.debt),
                "entries": [(e.at, e.kind, e.points, e.description, e.sale_id, e.salon_id, e.rule_version, e.staff,
                             e.expires_on, e.reward_id) for e in entries],
                "lots": [(entry_at[lot.entry_id], lot.sale_id, lot.points, lot.remaining, lot.earned_on,
                          lot.expires_on) for lot in lots],
                "consumptions": sorted((entry_at[t.entry_id], lot_at[t.lot_id], t.points) for t in takes),
                "sales": [(sale.id, sale.status, sale.points_earned) for sale in db.session.scalars(
                    select(Sale).where(Sale.client_id == client.id).order_by(Sale.id))],
                "redemptions": [(r.sale_id, r.status) for r in db.session.scalars(
                    select(Redemption).where(Redemption.account_id == account.id).order_by(Redemption.id))],
            }
        return state


def test_batched_recalculation_writes_what_crediting_sale_by_sale_writes(twins, monkeypatch):
    batched, reference = twins
    clients = build_history(batched.api, batched.clock)
    assert build_history(reference.api, reference.clock) == clients
    assert ledger_state(batched.app, swept=False) == ledger_state(reference.app, swept=False)  # the same history

    monkeypatch.setattr(recalculation, "BATCH_SALES", 3)  # several batches; a client's sales stay together
    monkeypatch.setattr(recalculation, "BATCH_CLIENTS", 2)
    told = []
    with batched.app.app_context():
        todo = len(recalculation.sales_to_recalculate(date(2026, 1, 1)))
        credited = recalculation.recalculate(date(2026, 1, 1), progress=told.append)
    with reference.app.app_context():
        assert recalculation.recalculate_sale_by_sale(date(2026, 1, 1)) == credited

    after = ledger_state(batched.app)
    assert after == ledger_state(reference.app)
    assert todo == 15 and sum(told) == todo and len(told) > 3  # progress after every batch (every paid sale)

    api = batched.api
    assert after["Hélène"]["account"] == (94, 0, 0)  # the 90-point debt was paid back first
    assert balance(api, clients["old"]) == 0  # 90 points credited, past their validity: gone at once
    old = [(kind, points) for _, kind, points, *_ in after["Zoé"]["entries"]]
    assert old == [("earn", 80), ("service", 10), ("expire", -90)]
    birthday = after["Claire"]["entries"]
    assert [points for _, _, points, *_ in birthday] == [80, 10, 240, 20]  # birthday month, and a Sunday
    assert birthday[2][3].endswith("×4 (recalculé)")
    assert balance(api, clients["referred"]) == 50  # the sale's points, never a welcome bonus
    assert balance(api, clients["subscriber"]) == 0
    assert balance(api, clients["shopper"]) == 50 + 40  # 24 for retail, expired; 30 paid + 10 for the cut
    # Points earned a year ago leave when the recalculation passes by, in one expiry entry per day.
    assert balance(api, clients["lapsed"]) == 50
    assert [(kind, points) for _, kind, points, *_ in after["Nina"]["entries"]][-3:] == [
        ("earn", 40), ("service", 10), ("expire", -90)]
    assert len(after["Nina"]["consumptions"]) == 2
    # The holder's 140 points expired under the recalculation: the 90 held on the open sale are released.
    assert after["Marc"]["account"] == (50, 0, 0) and after["Marc"]["redemptions"][-1][1] == "released"

    with batched.app.app_context():
        assert recalculation.recalculate(date(2026, 1, 1)) == 0  # nothing left to credit
    assert ledger_state(batched.app) == after


def test_the_plan_pays_the_debt_first_and_sweeps_after_every_sale():
    """The planning core alone: what crediting two sales writes for an account owing 30 points that holds
    a lot already past its expiry date."""
    from pos_loyalty.core.quote import Earning
    from pos_loyalty.core.recalculation import OpenLot, SaleCredit, plan_account

    def sale(sale_id, points, earned_on, expires_on):
        return SaleCredit(sale_id=sale_id, salon_id=1, earnings=(Earning("earn", points, f"sale {sale_id}"),),
                          earned_on=earned_on, expires_on=expires_on, today=date(2027, 11, 28), zone="Europe/Paris",
                          locale="en_GB")

    stale = OpenLot(remaining=5, expires_on=date(2027, 1, 31), lot_id=77)
    plan = plan_account(9, balance=-25, debt=30, open_lots=[stale],
                        sales=[sale(1, 20, date(2026, 11, 1), date(2027, 11, 1)),  # expired at once
                               sale(2, 40, date(2027, 11, 5), date(2028, 11, 5))],
                        at=RECALCULATED_AT, describe=lambda locale, text: f"{text} (recalculated)",
                        describe_expiry=lambda locale, points, day: f"{points} expired {day}",
                        entry_fields={"rule_version": 3, "staff": "recalculation"})
    assert [(e["kind"], e["points"], e["description"]) for e in plan.entries] == [
        ("earn", 20, "sale 1 (recalculated)"), ("expire", -5, "5 expired 2027-01-31"),
        ("earn", 40, "sale 2 (recalculated)")]
    assert plan.entries[1]["at"] == datetime(2027, 2, 1, tzinfo=ZoneInfo("Europe/Paris"))
    assert [lot["remaining"] for lot in plan.lots] == [0, 30]  # 20 + 10 of the 40 paid the debt
    assert plan.emptied_lot_ids == [77] and plan.consumptions == [(1, stale, 5)]
    assert (plan.balance, plan.debt, plan.credited, plan.sale_points) == (30, 0, 60, {1: 20, 2: 40})
