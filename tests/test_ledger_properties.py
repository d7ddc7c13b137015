"""Property tests: random sequences of earn, redeem, cancel, expire, refund and adjust keep the books.

A model beside the product knows what each step must do to each client's balance and holds: a sale earns
one point per euro paid, a paid reward costs its points, a refund takes back what the sale earned and
returns what it redeemed, an adjustment moves its points. Only expiry is read from the product (its
expire entries), and the lot invariants below check it. A refusal must be one the model predicts
(a negative balance, too few points available): any other refusal, or a success the model refuses,
fails the test.

After every step: balance == the model == sum of the ledger == unexpired lot remainders - debt (and no
debt while live points remain); no lot below zero or above its points; holds == the held rewards, the ones
the model holds, never above the balance; the balance shown by the API equals the ledger.
"""
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, UTC
from decimal import ROUND_FLOOR, Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from pos_loyalty import create_app
from pos_loyalty.clock import FrozenClock
from pos_loyalty.core.errors import DomainError
from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, PointsAccount, PointsLot, Redemption
from pos_loyalty.services import catalogue, clients, loyalty, payments, program, redemptions, refunds, sales
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.sale_view import sale_money
from pos_loyalty.services.setup import ensure_salon

CLIENTS = 2
UNIT_PRICE = Decimal("10.00")
REWARD_OFF = Decimal("5.00")
REWARD_COSTS = (20, 50)


@dataclass
class ModelClient:
    balance: int = 0
    holds: list = field(default_factory=list)  # [sale id, points], oldest first, as the rewards were applied

    @property
    def held(self) -> int:
        return sum(points for _, points in self.holds)

    def release_excess_holds(self) -> None:
        """Points gone (expired, refunded) cannot stay held: the newest holds go until the rest fit."""
        while self.held > max(self.balance, 0):
            self.holds.pop()


@dataclass(frozen=True)
class PaidSale:
    who: int
    earned: int
    redeemed: int


def expected_refusal(client: ModelClient, cost: int) -> str | None:
    """What the product must answer when `cost` points are asked of this client: None means it must accept."""
    if cost and client.balance < 0:
        return "negative_balance"
    if cost > client.balance - client.held:
        return "insufficient_points"
    return None


def refusal_code(action, *args) -> str | None:
    try:
        action(*args)
    except DomainError as error:
        db.session.rollback()
        return error.code
    return None


class LedgerMachine(RuleBasedStateMachine):
    pool = None  # set by the test: fresh databases of one backend
    runs = 0
    steps = Counter()  # what really happened across the whole run: the test requires each kind of step

    @initialize()
    def open_salon(self):
        LedgerMachine.runs += 1
        self.database = database = LedgerMachine.pool.fresh()
        self.clock = FrozenClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True,
                               "CLOCK": self.clock, "SECRET_KEY": "x"})
        self.context = self.app.app_context()
        self.context.push()
        salon = ensure_salon()
        self.till = Actor("till-1", "till", salon.id, till_id=salon.tills[0].id)
        self.manager = Actor("manager", "manager", salon.id)
        catalogue.create_item(self.manager, {"code": "CUT", "name": "Cut", "kind": "service", "category": "cut",
                                             "price": UNIT_PRICE})
        program.update_program(self.manager, {"validity_months": 2})
        self.rewards = [program.create_reward(self.manager, {"name": f"{cost} points", "kind": "amount_off",
                                                             "value": str(REWARD_OFF), "points_cost": cost}).id
                        for cost in REWARD_COSTS]
        self.client_ids = [clients.create_client(self.till, {"first_name": "Client", "last_name": str(i)}).id
                           for i in range(CLIENTS)]
        self.model = [ModelClient() for _ in range(CLIENTS)]
        self.expiries_seen = 0  # the last ledger id whose expire entry the model has taken in
        self.open_sales: list[tuple[int, int]] = []  # (sale id, who)
        self.paid_sales: dict[int, PaidSale] = {}

    def teardown(self):
        if hasattr(self, "context"):
            db.session.remove()
            db.engine.dispose()
            self.context.pop()
        if hasattr(self, "database"):
            LedgerMachine.pool.drop(self.database)  # handed back: emptied for the next example

    def pay(self, sale_id: int, who: int, amount: Decimal, redeemed: int) -> None:
        result = payments.take_payment(self.till, sale_id, amount, "card")
        earned = int(amount.to_integral_value(ROUND_FLOOR))  # 1 point per euro paid
        assert (result.status, result.points_earned, result.points_redeemed) == ("paid", earned, redeemed)
        self.model[who].balance += earned - redeemed
        self.paid_sales[sale_id] = PaidSale(who, earned, redeemed)
        LedgerMachine.steps["paid with a reward" if redeemed else "paid"] += 1

    @rule(who=st.integers(0, CLIENTS - 1), units=st.integers(1, 6))
    def earn(self, who, units):
        sale = sales.create_sale(self.till, {"client_id": self.client_ids[who],
                                             "lines": [{"code": "CUT", "quantity": units}]})
        self.pay(sale.id, who, units * UNIT_PRICE, 0)

    @rule(who=st.integers(0, CLIENTS - 1), reward=st.integers(0, len(REWARD_COSTS) - 1))
    def open_sale_and_redeem(self, who, reward):
        sale = sales.create_sale(self.till, {"client_id": self.client_ids[who],
                                             "lines": [{"code": "CUT", "quantity": 2}]})
        self.open_sales.append((sale.id, who))
        cost, client = REWARD_COSTS[reward], self.model[who]
        expected = expected_refusal(client, cost)
        assert refusal_code(redemptions.hold_reward, self.till, sale.id, self.rewards[reward]) == expected, \
            (client, cost)
        if expected is None:
            client.holds.append([sale.id, cost])
            LedgerMachine.steps["held"] += 1
        else:
            LedgerMachine.steps[f"hold refused: {expected}"] += 1

    @rule(who=st.integers(0, CLIENTS - 1), reward=st.integers(0, len(REWARD_COSTS) - 1))
    def redeem_and_pay(self, who, reward):
        """The usual case at the till, and the one that leads to a negative balance after a refund."""
        self.open_sale_and_redeem(who, reward)
        self.pay_open_sale(len(self.open_sales) - 1)

    @precondition(lambda self: self.open_sales)
    @rule(pick=st.integers(0, 100))
    def pay_open_sale(self, pick):
        sale_id, who = self.open_sales.pop(pick % len(self.open_sales))
        client = self.model[who]
        hold = next((h for h in client.holds if h[0] == sale_id), None)
        due = sale_money(sales.get_sale(self.till, sale_id)).due
        assert due == 2 * UNIT_PRICE - (REWARD_OFF if hold else 0)
        if hold:
            client.holds.remove(hold)
        self.pay(sale_id, who, due, hold[1] if hold else 0)

    @precondition(lambda self: self.open_sales)
    @rule(pick=st.integers(0, 100))
    def cancel_open_sale(self, pick):
        sale_id, who = self.open_sales.pop(pick % len(self.open_sales))
        sales.cancel_sale(self.till, sale_id)
        self.model[who].holds = [h for h in self.model[who].holds if h[0] != sale_id]

    @precondition(lambda self: self.paid_sales)
    @rule(pick=st.integers(0, 100))
    def refund(self, pick):
        sale_id = sorted(self.paid_sales)[pick % len(self.paid_sales)]
        paid = self.paid_sales.pop(sale_id)
        result = refunds.refund_sale(self.manager, sale_id)
        assert (result.points_reversed, result.points_returned) == (paid.earned, paid.redeemed)
        self.model[paid.who].balance += paid.redeemed - paid.earned
        self.take_in_expiries()  # points given back to a lot that expired meanwhile leave again at once
        self.model[paid.who].release_excess_holds()
        assert result.balance == self.model[paid.who].balance
        LedgerMachine.steps["refunded"] += 1

    @rule(who=st.integers(0, CLIENTS - 1), points=st.integers(-60, 60).filter(bool))
    def adjust(self, who, points):
        client = self.model[who]
        expected = "insufficient_points" if points < 0 and -points > client.balance - client.held else None
        assert refusal_code(loyalty.adjust_points, self.manager, self.client_ids[who], points, "correction") \
            == expected, (client, points)
        if expected is None:
            client.balance += points
            LedgerMachine.steps["adjusted"] += 1
        else:
            LedgerMachine.steps["adjustment refused"] += 1

    @rule(days=st.integers(1, 45))
    def time_passes(self, days):
        self.clock.advance(days=days)

    def take_in_expiries(self) -> None:
        """The product's expire entries written since the last look, taken off the model's balances."""
        accounts = dict(db.session.execute(select(PointsAccount.id, PointsAccount.client_id)).all())
        for entry_id, account_id, points in db.session.execute(
                select(LedgerEntry.id, LedgerEntry.account_id, LedgerEntry.points)
                .where(LedgerEntry.kind == "expire", LedgerEntry.id > self.expiries_seen)
                .order_by(LedgerEntry.id)):
            assert points < 0
            client = self.model[self.client_ids.index(accounts[account_id])]
            client.balance += points
            client.release_excess_holds()
            self.expiries_seen = entry_id
            LedgerMachine.steps["expired"] += 1

    @invariant()
    def books_balance(self):
        if not hasattr(self, "client_ids"):
            return
        summaries = [loyalty.loyalty_of(self.manager, client_id) for client_id in self.client_ids]  # sweeps
        self.take_in_expiries()
        for client_id, summary, model in zip(self.client_ids, summaries, self.model):
            account = db.session.scalars(select(PointsAccount).where(PointsAccount.client_id == client_id)).one()
            ledger_sum = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                           .where(LedgerEntry.account_id == account.id))
            lots = db.session.scalars(select(PointsLot).where(PointsLot.account_id == account.id)).all()
            today = self.clock().date()
            live = sum(lot.remaining for lot in lots if lot.expires_on is None or lot.expires_on >= today)
            held = db.session.scalars(select(Redemption).where(
                Redemption.account_id == account.id, Redemption.status == "held").order_by(Redemption.id)).all()
            assert summary.summary.balance == account.balance == ledger_sum == model.balance
            assert account.balance == live - account.debt
            assert account.debt >= 0 and (account.debt == 0 or live == 0)
            assert all(0 <= lot.remaining <= lot.points for lot in lots)
            assert [[r.sale_id, r.points_cost] for r in held] == model.holds
            assert account.held == model.held
            assert account.held <= max(account.balance, 0)
        db.session.rollback()


# Each kind of step must have happened somewhere in the run: a machine whose holds always fail, or whose
# refunds never run, proves nothing about them. (A hold refused for a negative balance happens a few times
# in 40 runs, too rarely to require; tests/test_refunds.py makes one on purpose.)
REQUIRED_STEPS = ("paid", "held", "paid with a reward", "refunded", "adjusted", "expired",
                  "hold refused: insufficient_points")


def test_ledger_invariants(backend, database_pools):
    LedgerMachine.pool = database_pools(backend)
    LedgerMachine.runs, LedgerMachine.steps = 0, Counter()
    machine_test = LedgerMachine.TestCase
    # CI searches harder, within its time budget (about 1.5 s an example on 2 cores; the whole suite must stay
    # under its 15 minutes). PostgreSQL runs fewer:
    # the arithmetic is the same code, the server adds locking, not new paths. POS_LOYALTY_LEDGER_EXAMPLES
    # searches longer by hand (150 find a debt never paid back that 40 miss; tests/test_refunds.py pins it).
    examples = (40 if backend == "sqlite" else 30) if os.environ.get("CI") == "true" else 30
    examples = int(os.environ.get("POS_LOYALTY_LEDGER_EXAMPLES", examples))
    machine_test.settings = settings(max_examples=examples, stateful_step_count=30, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    machine_test("runTest").runTest()
    assert LedgerMachine.runs >= examples
    missing = [step for step in REQUIRED_STEPS if not LedgerMachine.steps[step]]
    assert not missing, f"never happened in {LedgerMachine.runs} runs: {missing} ({dict(LedgerMachine.steps)})"
