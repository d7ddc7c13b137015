"""The two tills that write the demo's year of history (pos_loyalty/demo.py plays the same scenario on either).

`UseCaseTill` calls the use cases one by one, one transaction each, exactly as the API would: the reference,
slow (some forty seconds for the year). `BatchTill` writes the same history in batches of days, one
transaction each: a sale's row when it opens, everything else in multi-row inserts when the session flushes
(at the batch's end, or when the ledger needs a lot's id), so that the year's twelve thousand statements
(six thousand of them single-row inserts) become under two thousand. It does not price or credit anything
itself: the money is sale_view's (core.pricing, core.rewards), the points are payments.settle's (the
quote with the plugins, ledger.credit and ledger.debit over core.lots), the expiries ledger.sweep_expired's,
a reward's eligibility core.summary's; refunds and adjustments go through their use cases, joining the
batch's transaction. tests/test_demo.py checks that both tills write the same rows.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from decimal import Decimal

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from pos_loyalty.core.errors import DomainError
from pos_loyalty.core.rewards import RewardTerms, reward_claim
from pos_loyalty.core.summary import RewardOffer, summarise
from pos_loyalty.extensions import db
from pos_loyalty.models import (CatalogueItem, Client, LedgerEntry, LotConsumption, Payment, PointsLot, Redemption,
                                Reward, Sale, SaleLine)
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger, loyalty, payments, redemptions, refunds, sales
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.recalculation import _new_ids
from pos_loyalty.services.sale_view import priced_lines, quote_open_sale, sale_money
from pos_loyalty.services.transaction import transaction

DAYS_PER_BATCH = 60  # a commit every two months of history: the progress bar never waits long for one
# The rows a batch adds through the session, numbered just before each flush (see _number_new_rows).
NUMBERED = (SaleLine, Redemption, Payment, LedgerEntry, PointsLot, LotConsumption)


class UseCaseTill:
    """The demo's till through the use cases, one transaction per call (the reference)."""

    def __init__(self, till: Actor, manager: Actor):
        self.till, self.manager = till, manager

    def batches(self):
        return nullcontext()

    def day_done(self) -> None:
        pass

    def open_sale(self, client_id: int, lines: list[dict]) -> int:
        return sales.create_sale(self.till, {"client_id": client_id, "lines": lines}).id

    def hold(self, sale_id: int, reward_id: int) -> bool:
        try:
            redemptions.hold_reward(self.till, sale_id, reward_id)
            return True
        except DomainError:
            db.session.rollback()
            return False

    def cancel(self, sale_id: int) -> None:
        sales.cancel_sale(self.till, sale_id)

    def due(self, sale_id: int) -> Decimal:
        return sale_money(sales.get_sale(self.till, sale_id)).due

    def pay(self, sale_id: int, amount: Decimal, method: str) -> None:
        payments.take_payment(self.till, sale_id, amount, method)

    def refund(self, sale_id: int) -> None:
        refunds.refund_sale(self.manager, sale_id)

    def adjust(self, client_id: int, points: int, reason: str) -> None:
        loyalty.adjust_points(self.manager, client_id, points, reason)


class BatchTill(UseCaseTill):
    """The same till, a batch of days per transaction, with the demo's clients' accounts locked throughout.

    Inside a batch the database is hardly read: the accounts and their open lots are read when it begins and
    stay in the use case's cache (services/ledger.py), the clients, salon and programme in the session; a
    refund or an adjustment goes through its use case, which joins the batch's transaction."""

    def __init__(self, till: Actor, manager: Actor, client_ids: list[int], days_per_batch: int = DAYS_PER_BATCH):
        super().__init__(till, manager)
        self.client_ids, self.days_per_batch = sorted(client_ids), days_per_batch
        self._transaction = None
        self._open: dict[int, Sale] = {}
        self._lines: dict[str, SaleLine] = {}
        self._rewards: dict[int, tuple[RewardTerms, RewardOffer, bool]] = {}

    @contextmanager
    def batches(self) -> Iterator[None]:
        numbering = db.engine.dialect.name == "sqlite"  # PostgreSQL's RETURNING already writes many rows at once
        if numbering:
            event.listen(db.session, "before_flush", _number_new_rows)
        try:
            try:
                self._begin()
                yield
            except BaseException:
                if self._transaction is not None:  # rolled back: nothing of the batch is written
                    self._transaction.__exit__(*sys.exc_info())
                raise
            self._end()
        finally:
            if numbering:
                event.remove(db.session, "before_flush", _number_new_rows)

    def day_done(self) -> None:
        self._days += 1
        if self._days >= self.days_per_batch:
            self._end()
            self._begin()

    def _begin(self) -> None:
        self._transaction = transaction()
        self._transaction.__enter__()
        self._days = 0
        self.accounts = ledger.lock_accounts(self.client_ids)  # locked until the batch commits
        for account in self.accounts.values():  # read now, while nothing waits to be flushed; then kept up to date
            ledger.open_lots(account)
        # Held by the batch: settle reads them from the session's identity map, never from the database.
        self._clients = list(db.session.scalars(select(Client).where(Client.id.in_(self.client_ids))
                                                .execution_options(populate_existing=True)))
        if not self._lines:
            self._load_catalogue_and_rewards()

    def _end(self) -> None:
        if self._open:
            raise RuntimeError("a sale is still open at the end of the batch")
        finishing, self._transaction = self._transaction, None
        finishing.__exit__(None, None, None)  # one flush, one commit; then the hooks of the sales paid

    def _load_catalogue_and_rewards(self) -> None:
        """Each catalogue item's line as create_sale builds it (sales.build_lines), and the rewards' terms."""
        salon_id = self.till.salon_id
        for code in db.session.scalars(select(CatalogueItem.code).where(CatalogueItem.salon_id == salon_id)):
            self._lines[code] = sales.build_lines(salon_id, [{"code": code, "quantity": 1}])[0]
        for reward in db.session.scalars(select(Reward).where(Reward.active.is_(True))):
            self._rewards[reward.id] = (RewardTerms(reward.name, reward.kind, reward.value),
                                        RewardOffer(reward.id, reward.name, reward.points_cost), reward.sale_earns)

    def open_sale(self, client_id: int, lines: list[dict]) -> int:
        """create_sale's sale, its lines from the catalogue's (sales.build_lines).

        The sale's row is written at once, alone (one short insert): the ledger's entries name it by its id,
        with no relationship that would make the session write it before them. It then stays in the session
        as if read, and its lines, rewards, payments and points are written with the batch's other rows."""
        row = {"salon_id": self.till.salon_id, "till_id": self.till.till_id,
               "client_id": client_id, "status": "open", "source": "till", "external_ref": None,
               "discount_code": None, "code_discount": Decimal(0), "created_at": runtime().now(),
               "created_by": self.till.name, "paid_at": None, "closed_at": None, "program_version": None,
               "points_earned": 0, "points_redeemed": 0, "balance_after": None, "next_expiry_points": None,
               "next_expiry_on": None}
        table = Sale.__table__
        row["id"] = db.session.connection().execute(insert(table).returning(table.c.id), row).scalar_one()
        sale = Sale(**row)
        make_transient_to_detached(sale)
        db.session.add(sale)
        for collection in ("lines", "redemptions", "payments"):
            set_committed_value(sale, collection, [])
        for position, line in enumerate(lines):
            item = self._lines[line["code"]]
            sale.lines.append(SaleLine(sale_id=sale.id, position=position, code=item.code, name=item.name,
                                       kind=item.kind, category=item.category, quantity=line["quantity"],
                                       unit_price=item.unit_price))
        self._open[sale.id] = sale
        return sale.id

    def hold(self, sale_id: int, reward_id: int) -> bool:
        """hold_reward: a reward the summary does not offer on the balance without its expired points (a
        negative balance, too few points available) or that discounts nothing is refused, and changes
        nothing (hold_reward's refusal rolls its sweep back); a reward held sweeps the expired points first."""
        sale = self._open[sale_id]
        account = self.accounts[sale.client_id]
        clock = salon_time(self.till.salon_id)
        terms, offer, sale_earns = self._rewards[reward_id]
        balance = ledger.live_balance(account, clock.today)
        if not summarise(balance, account.held, (), [offer], clock.today).eligible_rewards:
            return False
        try:
            claim = reward_claim(terms, priced_lines(sale), sale_money(sale).pricing.to_pay)
        except DomainError:  # a free item that is not on the sale
            return False
        if claim.amount <= 0:
            return False
        ledger.sweep_expired(account, clock.today, clock.zone, clock.salon.locale)
        sale.redemptions.append(Redemption(
            sale_id=sale.id, reward_id=reward_id, account_id=account.id, name=terms.name, kind=terms.kind,
            value=terms.value, points_cost=offer.points_cost, sale_earns=sale_earns, status="held",
            created_at=runtime().now()))
        account.held += offer.points_cost
        return True

    def cancel(self, sale_id: int) -> None:
        sale = self._open.pop(sale_id)
        for redemption in sale.redemptions:
            if redemption.status == "held":
                redemptions.release_hold(self.accounts[sale.client_id], redemption)
        sale.status, sale.closed_at = "cancelled", runtime().now()

    def due(self, sale_id: int) -> Decimal:
        return sale_money(self._open[sale_id]).due

    def pay(self, sale_id: int, amount: Decimal, method: str) -> None:
        """take_payment: the accounts swept before pricing (the referrer's before its bonus), the payment,
        and once the sale is paid in full, payments.settle with the quote."""
        sale = self._open[sale_id]
        clock = salon_time(self.till.salon_id)
        if sale.client_id is not None:
            client = db.session.get(Client, sale.client_id)
            if client.referrer_id and client.first_paid_sale_id is None:
                ledger.sweep_expired(self.accounts[client.referrer_id], clock.today, clock.zone, clock.salon.locale)
            ledger.sweep_expired(self.accounts[client.id], clock.today, clock.zone, clock.salon.locale)
        money = sale_money(sale)
        due = money.due
        settling = amount >= due
        quote = quote_open_sale(sale, money, clock) if settling and sale.client_id else None
        sale.payments.append(Payment(sale_id=sale.id, amount=min(amount, due), tendered=amount, method=method,
                                     at=clock.now))
        if settling:
            payments.settle(sale, clock, self.till, self.accounts, quote)
            del self._open[sale_id]


def _number_new_rows(session, _context, _instances) -> None:
    """On SQLite, give the new rows of NUMBERED their ids before the flush writes them, in the order they
    were added: the session then writes each table in one executemany, where it would take one insert per
    row, SQLite's RETURNING not telling which id went to which of many rows (PostgreSQL's does)."""
    new = [obj for obj in session.new if isinstance(obj, NUMBERED) and obj.id is None]
    for model in NUMBERED:
        rows = sorted((obj for obj in new if type(obj) is model), key=lambda obj: inspect(obj).insert_order)
        for obj, row_id in zip(rows, _new_ids(model.__table__, len(rows))):
            obj.id = row_id
