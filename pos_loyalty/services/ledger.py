"""The points ledger: lock an account, sweep expiries, credit lots, debit lots. Append-only.

Every function here runs inside the caller's transaction with the account row locked (SELECT ... FOR
UPDATE on PostgreSQL; on SQLite the transaction itself began IMMEDIATE), so two tills never interleave.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, or_, select

from pos_loyalty.core.lots import LotView, is_expired, plan_credit, plan_debit
from pos_loyalty.core.messages import message_fields, say
from pos_loyalty.database import reads_are_current_under_lock
from pos_loyalty.extensions import db
from pos_loyalty.translatable import N_
from pos_loyalty.models import LOT_IS_OPEN, Client, LedgerEntry, LotConsumption, PointsAccount, PointsLot, Redemption
from pos_loyalty.services.transaction import use_case_cache


def lock_accounts(client_ids: list[int], *, with_clients: bool = False) -> dict[int, PointsAccount]:
    """Lock several accounts in id order, so two transactions locking the same pair never deadlock.
    `with_clients`: the clients' rows come along, unlocked (an answer naming the client reads none again)."""
    rows = db.session.execute(_accounts_query(_lots_come_along(), with_clients),
                              {"client_ids": list(client_ids)}).all()
    return _remember_locked(rows)


@functools.cache
def _accounts_query(with_lots: bool, with_clients: bool):
    query = select(PointsAccount)
    if with_clients:
        query = query.add_columns(Client).join(Client, Client.id == PointsAccount.client_id)
    return _locking(query.where(PointsAccount.client_id.in_(bindparam("client_ids", expanding=True))),
                    with_lots=with_lots)


def lock_payer_accounts(client_id: int) -> tuple[Client, dict[int, PointsAccount]]:
    """A payment's locks in one round trip: the client's account and, while the client has no paid sale
    yet, its referrer's (the sale pays the referral bonus), in id order as lock_accounts takes them. The
    clients' rows come along, locked too (FOR NO KEY UPDATE: a sale attaching the client still key-shares
    it), so they are read as they are once the locks are granted: another till may have paid this client's
    first sale while this one waited, and the referral bonus is paid once."""
    cache = use_case_cache()
    known = (cache or {}).get("payer_locks", {}).get(client_id)
    if known is not None:  # locked already by this use case (services/sales.py get_sale with lock_payer)
        return known
    rows = db.session.execute(_payer_accounts_query(_lots_come_along()), {"client_id": client_id}).all()
    clients = {row.Client.id: row.Client for row in rows}
    if client_id not in clients:
        raise LookupError(f"client {client_id} has no points account")
    locked = clients[client_id], _remember_locked(rows)
    if cache is not None:
        cache.setdefault("payer_locks", {})[client_id] = locked
    return locked


def remember_open_lots(accounts: dict[int, PointsAccount], lots: list[PointsLot]) -> None:
    """The open lots of accounts this use case locked, read by a statement of its own after the lock (see
    open_lots): kept as complete while the lock is held."""
    by_account = {account.id: [] for account in accounts.values()}
    for lot in lots:
        by_account[lot.account_id].append(lot)
    known = use_case_cache().setdefault("open_lots", {})
    for account_id, account_lots in by_account.items():
        known.setdefault(account_id, sorted(account_lots, key=lambda lot: lot.id))


@functools.cache
def _payer_accounts_query(with_lots: bool):
    """Built once (statement and cache key reused): lock_payer_accounts runs at every payment."""
    client_id = bindparam("client_id")
    referrer = (select(Client.referrer_id).where(Client.id == client_id, Client.first_paid_sale_id.is_(None))
                .scalar_subquery())
    return _locking(select(PointsAccount, Client).join(Client, Client.id == PointsAccount.client_id)
                    .where(or_(PointsAccount.client_id == client_id, PointsAccount.client_id == referrer)),
                    lock={"of": (PointsAccount, Client), "key_share": True}, with_lots=with_lots)


def _lots_come_along() -> bool:
    """Whether the locking statement may bring the accounts' open lots too: only where it reads them as they
    are once the lock is held (database.reads_are_current_under_lock); elsewhere open_lots reads them after."""
    return reads_are_current_under_lock(db.session)


def _locking(query, lock: dict | None = None, with_lots: bool = False):
    """The accounts locked, each row as it is once the lock is granted (even if this session read it before)."""
    if with_lots:
        query = (query.add_columns(PointsLot)
                 .outerjoin(PointsLot, (PointsLot.account_id == PointsAccount.id) & LOT_IS_OPEN)
                 .order_by(PointsLot.id))
    return (query.order_by(None).order_by(PointsAccount.id, *([PointsLot.id] if with_lots else []))
            .with_for_update(**(lock or {"of": PointsAccount})).execution_options(populate_existing=True))


def _remember_locked(rows) -> dict[int, PointsAccount]:
    """The accounts of `rows`, known locked by this use case, and their open lots when the rows bring them
    (an account per open lot), known complete while the lock is held (see open_lots)."""
    accounts, lots = {}, {}
    for row in rows:
        account = row.PointsAccount
        accounts[account.id] = account
        if "PointsLot" in row._fields:
            account_lots = lots.setdefault(account.id, [])
            if row.PointsLot is not None:
                account_lots.append(row.PointsLot)
    cache = use_case_cache()
    if cache is not None:
        cache.setdefault("locked_accounts", set()).update(accounts)
        cache.setdefault("accounts_by_client", {}).update({account.client_id: account for account in accounts.values()})
        known = cache.setdefault("open_lots", {})
        for account_id, account_lots in lots.items():
            known.setdefault(account_id, account_lots)  # locked before: its lots in memory are the newer ones
    return {account.client_id: account for account in accounts.values()}


def account_of(client_id: int) -> PointsAccount | None:
    """The client's account: the one this use case locked, else read (without a lock)."""
    locked = (use_case_cache() or {}).get("accounts_by_client", {})
    if client_id in locked:
        return locked[client_id]
    return db.session.scalars(select(PointsAccount).where(PointsAccount.client_id == client_id)).first()


def _is_locked(account: PointsAccount) -> bool:
    return account.id in (use_case_cache() or {}).get("locked_accounts", ())


def lock_account(client_id: int) -> PointsAccount:
    """One client's account, its client's row along (the use cases locking one account answer with it)."""
    return lock_accounts([client_id], with_clients=True)[client_id]


def open_lots(account: PointsAccount) -> list[PointsLot]:
    """The account's lots with points left. While this use case holds the account's lock nobody else can
    change them, so they are read once and then kept up to date by credit() (debits change them in place)."""
    if not _is_locked(account):
        return _select_open_lots(account)
    lots_by_account = use_case_cache().setdefault("open_lots", {})
    if account.id not in lots_by_account:
        lots_by_account[account.id] = _select_open_lots(account)
    return [lot for lot in lots_by_account[account.id] if lot.remaining > 0]


def _lots_with_ids(lots: list[PointsLot]) -> list[PointsLot]:
    """Consumptions name their lot by id: a lot credited earlier in this use case is written first."""
    if any(lot.id is None for lot in lots):
        db.session.flush()
    return lots


def _select_open_lots(account: PointsAccount) -> list[PointsLot]:
    return list(db.session.scalars(_open_lots_query(), {"account_id": account.id}))


@functools.cache
def _open_lots_query():
    return select(PointsLot).where(PointsLot.account_id == bindparam("account_id"), LOT_IS_OPEN)


def _remember_lot(account: PointsAccount, lot: PointsLot) -> None:
    cache = use_case_cache()
    lots = (cache or {}).get("open_lots", {}).get(account.id)
    if lots is not None and not any(known is lot for known in lots):
        lots.append(lot)


def lot_views(lots: list[PointsLot]) -> list[LotView]:
    return [LotView(lot.id, lot.remaining, lot.earned_on, lot.expires_on) for lot in lots]


def sweep_expired(account: PointsAccount, today: date, zone: str, locale: str = "en_GB") -> int:
    """Write an expiry entry for every day whose points ran out; returns the points expired."""
    expired_by_day: dict[date, list[PointsLot]] = defaultdict(list)
    for lot in open_lots(account):
        if lot.expires_on is not None and lot.expires_on < today:
            _lots_with_ids([lot])
            expired_by_day[lot.expires_on].append(lot)
    total = 0
    for day in sorted(expired_by_day):
        lots = expired_by_day[day]
        points = sum(lot.remaining for lot in lots)
        # The entry is dated when the points left: the first moment of the day after their expiry date.
        at = datetime.combine(day + timedelta(days=1), time.min, ZoneInfo(zone))
        entry = _entry(account, at=at, kind="expire", points=-points,
                       description=say(locale, N_("%(points)s points expired (valid until %(day)s)"),
                                       points=points, day=day))
        for lot in lots:
            db.session.add(LotConsumption(entry=entry, lot_id=lot.id, points=lot.remaining))
            lot.remaining = 0
        account.balance -= points
        total += points
    if total:
        release_excess_holds(account)
    return total


def release_excess_holds(account: PointsAccount) -> list[Redemption]:
    """Points that are gone (expired, refunded) cannot stay held: the newest holds are released until the
    rest fit in the balance. Their sales simply show the full amount due again."""
    released = []
    if account.held <= max(account.balance, 0):
        return released
    for redemption in db.session.scalars(select(Redemption).where(
            Redemption.account_id == account.id, Redemption.status == "held").order_by(Redemption.id.desc())):
        if account.held <= max(account.balance, 0):
            break
        if redemption.points_cost == 0:  # a granted reward holds no points
            continue
        redemption.status = "released"
        account.held -= redemption.points_cost
        released.append(redemption)
    return released


def credit(account: PointsAccount, *, points: int, kind: str, description: str, at: datetime,
           earned_on: date, expires_on: date | None, **source) -> LedgerEntry:
    """A credit is a new lot; it pays back any debt first."""
    debt_paid, left = plan_credit(points, account.debt)
    entry = _entry(account, at=at, kind=kind, points=points, description=description,
                   expires_on=expires_on, **source)
    lot = PointsLot(account_id=account.id, entry=entry, sale_id=source.get("sale_id"), points=points,
                    remaining=left, earned_on=earned_on, expires_on=expires_on)
    db.session.add(lot)
    _remember_lot(account, lot)
    account.debt -= debt_paid
    account.balance += points
    return entry


def debit(account: PointsAccount, *, points: int, kind: str, description: str, at: datetime, today: date,
          allow_debt: bool, preferred_lot_ids: tuple[int, ...] = (), **source) -> LedgerEntry:
    """Take points from the lots that expire soonest (or the preferred ones first); what the lots cannot
    cover becomes debt when allowed (refunds), else the caller must have checked the balance."""
    lots = {lot.id: lot for lot in _lots_with_ids(open_lots(account))}
    plan = plan_debit(lot_views(list(lots.values())), points, today, preferred_lot_ids)
    if plan.shortfall and not allow_debt:
        raise ValueError("debit beyond the live lots without allow_debt")
    entry = _entry(account, at=at, kind=kind, points=-points, description=description, **source)
    for lot_id, take in plan.takes:
        lots[lot_id].remaining -= take
        db.session.add(LotConsumption(entry=entry, lot_id=lot_id, points=take))
    account.debt += plan.shortfall
    account.balance -= points
    return entry


def give_back(account: PointsAccount, debit_entry: LedgerEntry, *, kind: str, description: str,
              at: datetime, today: date, zone: str, locale: str = "en_GB", **source) -> LedgerEntry:
    """Return a debit's points to the very lots it took them from, with their original expiry."""
    takes = db.session.scalars(select(LotConsumption).where(LotConsumption.entry_id == debit_entry.id)).all()
    points = -debit_entry.points
    entry = _entry(account, at=at, kind=kind, points=points, description=description, **source)
    debt = account.debt
    for take in takes:
        lot = db.session.get(PointsLot, take.lot_id)
        paid = min(debt, take.points)  # returned points pay a debt before they count again
        debt -= paid
        lot.remaining += take.points - paid
        _remember_lot(account, lot)  # open again: the sweep below must see it, even if it has expired
    # Points taken beyond the lots (there are none for a redemption) would simply come back as balance.
    account.debt = debt
    account.balance += points
    sweep_expired(account, today, zone, locale)  # points returned to an expired lot leave again at once
    return entry


def record_event(account: PointsAccount, *, at: datetime, kind: str, description: str, **source) -> LedgerEntry:
    """A 0-point entry: something the history must show that moves no points (a reward granted)."""
    return _entry(account, at=at, kind=kind, points=0, description=description, **source)


def _entry(account: PointsAccount, *, at: datetime, kind: str, points: int, description: str,
           **fields) -> LedgerEntry:
    entry = LedgerEntry(account_id=account.id, at=at, kind=kind, points=points,
                        description=description[:250], **message_fields(description), **fields)
    db.session.add(entry)  # lots and consumptions point at it by relationship: one flush writes them all
    cache = use_case_cache()
    if cache is not None and fields.get("sale_id") is not None:  # the answer to a payment shows them, unread
        cache.setdefault("entries_by_sale", {}).setdefault(fields["sale_id"], []).append(entry)
    return entry


def live_balance(account: PointsAccount, today: date) -> int:
    """The balance as of today without writing: points past expiry but not yet swept are left out."""
    if _is_locked(account):  # its open lots are in memory already
        return account.balance - sum(lot.remaining for lot in open_lots(account) if is_expired(lot.expires_on, today))
    stale = db.session.scalars(
        select(PointsLot.remaining).where(PointsLot.account_id == account.id, LOT_IS_OPEN,
                                          PointsLot.expires_on < today)
    ).all()
    return account.balance - sum(stale)


def client_and_live_balance(client_id: int, today: date, *, key_share: bool = False
                            ) -> tuple[Client | None, PointsAccount | None, int | None]:
    """The client, its account and its live balance (see live_balance) in one round trip: what an open
    sale's answer shows. An account this use case locked is the one in memory. `key_share`: the client's
    row is key-share locked (a sale being given this client: see services/sales.py) and read as it is now."""
    cache = use_case_cache() or {}
    locked = cache.get("accounts_by_client", {})
    if client_id in locked and not key_share:  # the key-share lock is still to take
        return db.session.get(Client, client_id), locked[client_id], live_balance(locked[client_id], today)
    known = cache.get("live_balances", {}).get((client_id, today))
    if known is not None and not key_share:
        return known
    row = db.session.execute(_client_account_query(key_share), {"client_id": client_id, "today": today}).first()
    if row is None:
        return db.session.get(Client, client_id), None, None
    found = (row.Client, row.PointsAccount, row.PointsAccount.balance - row.stale)
    if use_case_cache() is not None:  # nobody else changes the live balance inside this use case's answer
        use_case_cache().setdefault("live_balances", {})[(client_id, today)] = found
    return found


@functools.cache
def _client_account_query(key_share: bool):
    stale = (select(func.coalesce(func.sum(PointsLot.remaining), 0))
             .where(PointsLot.account_id == PointsAccount.id, LOT_IS_OPEN,
                    PointsLot.expires_on < bindparam("today")).scalar_subquery())
    query = (select(PointsAccount, Client, stale.label("stale")).join(Client, Client.id == PointsAccount.client_id)
             .where(PointsAccount.client_id == bindparam("client_id")))
    if key_share:
        query = (query.with_for_update(of=Client, read=True, key_share=True)
                 .execution_options(populate_existing=True))
    return query


def is_live(lot: PointsLot, today: date) -> bool:
    return lot.remaining > 0 and not is_expired(lot.expires_on, today)
