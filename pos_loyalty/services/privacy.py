"""A person's data: all that is held about them, as one JSON document; and their erasure.

Erasure keeps the figures and removes the person. The client row stays (its id holds the ledger, the lots,
the points account, the sales and the other clients' referrals together, so every balance, total and
statistic is what it was), but its names, phone, e-mail, birth date, referral code, search text, e-mail
consent and card link go, and `erased_at` says when. Stored text elsewhere that carries the person is
scrubbed in the same transaction: the words of ledger entries (this client's, and the referrer's bonus
"Referral bonus: Marie D."), the audit trail's before and after, granted rewards' reasons, the stored
answers of idempotent writes and background jobs' results; the entries themselves, their points and kinds
stay. The audit trail records the erasure (who, when), not what was erased.

An erased client is a 404 (`client_erased`) to every client call, search never finds it and no sale can be
attached to it; erasing again is a 409 (`client_erased`). A client with an open sale is not erased (409
`client_has_open_sale`): its holds and its coming points would settle on a person who no longer exists.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, or_, select

from pos_loyalty.core.errors import Conflict, Forbidden, NotFound
from pos_loyalty.core.messages import render
from pos_loyalty.extensions import db
from pos_loyalty.models import (AuditEntry, BackgroundJob, Client, IdempotencyRecord, LedgerEntry, PointsAccount,
                                PointsLot, RewardGrant, Sale, Salon, TillScreen)
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit, ledger
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.audit import json_ready
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.transaction import transaction
from pos_loyalty.translatable import N_

FORMAT_VERSION = 1
# What replaces a personal value in stored text (audit values, reasons, stored answers).
ERASED = "[erased]"
# Where a ledger entry named the person (the referrer's bonus), it now names no one, in the reader's words.
ERASED_CLIENT = N_("Erased client")
# The profile fields of the audit trail and of stored answers that hold the person.
PERSONAL_FIELDS = ("first_name", "last_name", "phone", "email", "birth_date", "referral_code", "referral_link",
                   "card_url", "client_name")


# --- the export --------------------------------------------------------------------------------------------
def export_client(actor: Actor, client_id: int) -> dict:
    """Everything held about the client, JSON-ready; recorded in the audit trail (who exported whom).

    Sales, their lines, payments and redemptions are the acting salon's (a salon never sees another's
    sales); the ledger, lots, rewards granted, referrals and audit entries about the client are the chain's.
    """
    if not actor.is_manager:
        raise Forbidden("Only a manager can export a client's data.")
    from pos_loyalty.services.clients import get_client
    from pos_loyalty.services.loyalty import loyalty_of

    from pos_loyalty.services.mail_admin import mails_of_client

    with transaction():
        client = get_client(client_id)
        clock = salon_time(actor.salon_id)
        zone = ZoneInfo(clock.zone)
        state = loyalty_of(actor, client_id)
        account = ledger.account_of(client_id)
        referrer = db.session.get(Client, client.referrer_id) if client.referrer_id else None
        salon = db.session.get(Salon, client.created_in_salon_id) if client.created_in_salon_id else None

        def at(value: datetime | None) -> str | None:
            return value.astimezone(zone).isoformat(timespec="seconds") if value else None

        summary = state.summary
        card_link = getattr(runtime(), "card_url", None)
        card_url = card_link(client.card_token) if callable(card_link) and client.card_token else None
        document = {
            "format_version": FORMAT_VERSION,
            "exported_at": at(clock.now),
            "exported_by": actor.name,
            "client": {
                "id": client.id, "first_name": client.first_name, "last_name": client.last_name,
                "phone": client.phone, "email": client.email, "birth_date": client.birth_date,
                "subscriber": client.subscriber,
                "consents": {"programme": True, "email_opt_in": client.email_opt_in},
                "email_opt_in": client.email_opt_in, "referral_code": client.referral_code,
                "referral_link": runtime().referral_link.format(code=client.referral_code),
                "referred_by": referrer.referral_code if referrer else None, "card_url": card_url,
                "created_at": at(client.created_at), "created_in_salon": salon.code if salon else None,
                "first_paid_sale_id": client.first_paid_sale_id or None,
            },
            "loyalty": {
                "enabled": state.enabled, "balance": summary.balance, "held": summary.held,
                "available": summary.available, "debt": state.debt,
                "next_expiry": _expiring(summary.next_expiry) if summary.next_expiry else None,
                "expiring": [_expiring(lot) for lot in summary.expiring],
                "eligible_rewards": [{"id": r.id, "name": r.name, "points_cost": r.points_cost}
                                     for r in summary.eligible_rewards],
                "next_reward": {"id": summary.next_reward.id, "name": summary.next_reward.name,
                                "points_cost": summary.next_reward.points_cost,
                                "points_missing": summary.points_missing} if summary.next_reward else None,
            },
            "ledger": [_entry_out(entry, at) for entry in db.session.scalars(
                select(LedgerEntry).where(LedgerEntry.account_id == account.id).order_by(LedgerEntry.id))],
            "lots": [{"id": lot.id, "entry_id": lot.entry_id, "sale_id": lot.sale_id, "points": lot.points,
                      "remaining": lot.remaining, "earned_on": lot.earned_on, "expires_on": lot.expires_on}
                     for lot in db.session.scalars(
                         select(PointsLot).where(PointsLot.account_id == account.id).order_by(PointsLot.id))],
            "sales": [_sale_out(sale, at) for sale in db.session.scalars(
                select(Sale).where(Sale.client_id == client.id, Sale.salon_id == actor.salon_id).order_by(Sale.id))],
            "rewards_granted": [{"id": grant.id, "reward_id": grant.reward_id, "name": grant.name,
                                 "kind": grant.kind, "value": grant.value, "reason": grant.reason,
                                 "granted_by": grant.granted_by, "granted_at": at(grant.granted_at),
                                 "status": grant.status, "redemption_id": grant.redemption_id}
                                for grant in db.session.scalars(
                                    select(RewardGrant).where(RewardGrant.client_id == client.id)
                                    .order_by(RewardGrant.id))],
            # The clients this one brought: their ids only; their names are theirs.
            "referrals_made": list(db.session.scalars(
                select(Client.id).where(Client.referrer_id == client.id).order_by(Client.id))),
            "mails": mails_of_client(client.id, at),
            "audit": [{"id": entry.id, "at": at(entry.at), "staff": entry.staff, "channel": entry.channel,
                       "action": entry.action, "object": entry.object, "before": entry.before, "after": entry.after}
                      for entry in _audit_about(client.id)],
        }
        audit.record(actor, "client.export", f"client {client.id}")
        return json_ready(document)


def _expiring(lot) -> dict:
    return {"points": lot.points, "expires_on": lot.expires_on}


def _entry_out(entry: LedgerEntry, at) -> dict:
    return {"id": entry.id, "at": at(entry.at), "kind": entry.kind, "points": entry.points,
            "description": entry.description, "sale_id": entry.sale_id, "reward_id": entry.reward_id,
            "rule_version": entry.rule_version, "expires_on": entry.expires_on, "staff": entry.staff}


def _sale_out(sale: Sale, at) -> dict:
    return {"id": sale.id, "status": sale.status, "source": sale.source, "created_at": at(sale.created_at),
            "paid_at": at(sale.paid_at), "closed_at": at(sale.closed_at), "cashier": sale.created_by,
            "discount_code": sale.discount_code, "program_version": sale.program_version,
            "points_earned": sale.points_earned, "points_redeemed": sale.points_redeemed,
            "balance_after": sale.balance_after,
            "lines": [{"position": line.position, "code": line.code, "name": line.name, "kind": line.kind,
                       "category": line.category, "quantity": line.quantity, "unit_price": line.unit_price}
                      for line in sale.lines],
            "payments": [{"id": p.id, "amount": p.amount, "tendered": p.tendered, "method": p.method, "at": at(p.at)}
                         for p in sale.payments],
            "redemptions": [{"id": r.id, "reward_id": r.reward_id, "name": r.name, "kind": r.kind, "value": r.value,
                             "points_cost": r.points_cost, "status": r.status, "grant_id": r.grant_id,
                             "created_at": at(r.created_at)} for r in sale.redemptions]}


def _audit_about(client_id: int) -> list[AuditEntry]:
    """The audit entries whose object is the client: chain-wide ones (services/audit.py CHAIN_WIDE)."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.object == f"client {client_id}")
                                   .order_by(AuditEntry.id)))


# --- the erasure -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Erasure:
    client_id: int
    erased_at: datetime
    balance: int  # kept, as every entry of the ledger
    ledger_entries: int
    scrubbed: dict  # how many stored texts were rewritten, by kind (ledger, audit, …): counts only


def erase_client(actor: Actor, client_id: int) -> Erasure:
    """Erase the person in one transaction (see the module's docstring); refused while a sale is open."""
    from pos_loyalty.services.mail_admin import erase_mails_of

    if not actor.is_manager:
        raise Forbidden("Only a manager can erase a client.")
    with transaction():
        if db.session.get(Client, client_id) is None:
            raise NotFound(f"Client {client_id} does not exist.", code="client_not_found")
        _refuse_if_erased_or_selling(client_id)  # before any lock: a sale being paid is open, and says so
        # Locked for update: a sale being given this client (services/sales.py key-shares the lock) ends first,
        # and is seen below as an open sale; one starting now waits and then finds the client erased.
        client = db.session.get(Client, client_id, with_for_update=True, populate_existing=True)
        account = ledger.lock_account(client_id)  # a payment or a hold of this client waits for the erasure
        _refuse_if_erased_or_selling(client_id)
        needles = _needles(client)
        sale_ids = set(db.session.scalars(select(Sale.id).where(Sale.client_id == client_id)))
        scrubbed = {
            "ledger": _scrub_ledger(client, account, needles, sale_ids, actor.salon_id),
            "audit": _scrub_audit(client_id, needles),
            "rewards_granted": _scrub_grants(client_id, needles),
            "stored_answers": _scrub_json_rows(IdempotencyRecord, ("body",), needles, client_id),
            "background_jobs": _scrub_json_rows(BackgroundJob, ("parameters", "result"), needles, client_id),
            "mails": erase_mails_of(client_id),
        }
        for screen in db.session.scalars(select(TillScreen).where(TillScreen.client_id == client_id)):
            screen.client_id = None
        now = runtime().now()
        client.first_name, client.last_name = "", ""
        client.phone = client.email = client.birth_date = client.referral_code = client.card_token = None
        client.search_text = ""
        client.email_opt_in = False
        client.erased_at = now
        db.session.flush()
        audit.record(actor, "client.erase", f"client {client_id}")
        return Erasure(client_id=client_id, erased_at=now, balance=account.balance,
                       ledger_entries=_count(LedgerEntry.id, LedgerEntry.account_id == account.id), scrubbed=scrubbed)


def _refuse_if_erased_or_selling(client_id: int) -> None:
    erased_at = db.session.scalar(select(Client.erased_at).where(Client.id == client_id))
    if erased_at is not None:
        raise Conflict(f"Client {client_id} was erased already.", code="client_erased",
                       details={"erased_at": erased_at.isoformat(timespec="seconds")})
    if db.session.scalar(select(Sale.id).where(Sale.client_id == client_id, Sale.status == "open").limit(1)):
        raise Conflict("This client has an open sale: pay or cancel it before erasing the client.",
                       code="client_has_open_sale")


@dataclass(frozen=True)
class ErasedClient:
    """What the manager's page shows of an erased client: when, by whom, and the figures that stay."""

    id: int
    erased_at: datetime
    erased_by: str
    balance: int
    ledger_entries: int
    sales: int  # the salon's own


def _count(column, *where) -> int:
    return db.session.scalar(select(func.count(column)).where(*where)) or 0


def erased_client(client_id: int, salon_id: int) -> ErasedClient | None:
    """None when the client is not erased (or does not exist)."""
    client = db.session.get(Client, client_id)
    if client is None or client.erased_at is None:
        return None
    account = ledger.account_of(client_id)
    by = db.session.scalars(select(AuditEntry.staff).where(
        AuditEntry.object == f"client {client_id}", AuditEntry.action == "client.erase")
        .order_by(AuditEntry.id.desc())).first()
    return ErasedClient(
        id=client.id, erased_at=client.erased_at, erased_by=by or "", balance=account.balance if account else 0,
        ledger_entries=_count(LedgerEntry.id, LedgerEntry.account_id == account.id) if account else 0,
        sales=_count(Sale.id, Sale.client_id == client_id, Sale.salon_id == salon_id))


# --- what is scrubbed, and how -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Needles:
    """The person's values, as stored text may carry them. `strong` ones (the whole name, the code, the
    e-mail, the phone) are looked for anywhere in the database; `all` (with the first and the last name
    alone, the birth date) only in what is about this client."""

    strong: tuple[str, ...]
    all: tuple[str, ...]
    abbreviations: tuple[str, ...]  # "Marie D.", as the referrer's bonus names the client it brought

    def pattern(self, values: tuple[str, ...]) -> re.Pattern | None:
        if not values:
            return None
        ordered = sorted(set(values), key=len, reverse=True)  # the whole name before its parts
        return re.compile("|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value in ordered), re.IGNORECASE)


def _needles(client: Client) -> Needles:
    """The client's values now, and those it had before (a name corrected, a code changed), from its audit
    entries: an old value is the person too."""
    firsts, lasts = {client.first_name}, {client.last_name}
    others = {client.phone, client.email, client.referral_code}
    births = {client.birth_date.isoformat() if client.birth_date else None}
    for entry in _audit_about(client.id):
        for values in (entry.before or {}, entry.after or {}):
            firsts.add(values.get("first_name"))
            lasts.add(values.get("last_name"))
            others.update({values.get("phone"), values.get("email")})
            births.add(values.get("birth_date"))
            if entry.action == "client.referral_code":
                others.add(values.get("referral_code"))
    firsts = {v.strip() for v in firsts if isinstance(v, str) and len(v.strip()) >= 2}
    lasts = {v.strip() for v in lasts if isinstance(v, str) and len(v.strip()) >= 2}
    others = {v.strip() for v in others if isinstance(v, str) and len(v.strip()) >= 3}
    digits = {re.sub(r"\D", "", v) for v in others if re.fullmatch(r"[+0-9 ().-]+", v)}
    others |= {d for d in digits if len(d) >= 6}
    fulls = {f"{first} {last}" for first in firsts for last in lasts}
    abbreviations = {f"{first} {last[:1]}." for first in firsts for last in lasts}
    # Looked for in everyone's text: long enough not to be a word of someone else's ("ANA", a staff name).
    strong = tuple(fulls | {value for value in others if len(value) >= 6})
    return Needles(strong=strong, abbreviations=tuple(abbreviations),
                   all=tuple(fulls | abbreviations | others | firsts | lasts | {b for b in births if b}))


def _replace_text(text: str, pattern: re.Pattern | None) -> str:
    return pattern.sub(ERASED, text) if pattern is not None and text else text


def _replace_json(value, pattern: re.Pattern | None, personal_keys: bool = False):
    """The value with every needle replaced; with `personal_keys`, the profile's fields wholly replaced."""
    if isinstance(value, dict):
        return {key: (ERASED if personal_keys and key in PERSONAL_FIELDS and item not in (None, "")
                      else _replace_json(item, pattern, personal_keys)) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_json(item, pattern, personal_keys) for item in value]
    if isinstance(value, str):
        return _replace_text(value, pattern)
    return value


def _like_any(columns: list, values: tuple[str, ...]):
    """SQL: any column contains any value (JSON columns keep non-ASCII letters escaped: both spellings)."""
    spellings = {spelling for value in values for spelling in (value, json.dumps(value)[1:-1])}
    return or_(*[column.contains(spelling, autoescape=True) for column in columns for spelling in spellings])


def _scrub_ledger(client: Client, account: PointsAccount, needles: Needles, sale_ids: set[int],
                  salon_id: int) -> int:
    """Rewrite the words of entries that carry the person; their points, kind and source stay."""
    everything = needles.pattern(needles.all)
    strong = needles.pattern(needles.strong + needles.abbreviations)
    locales = dict(db.session.execute(select(Salon.id, Salon.locale)).all())
    changed = 0
    own = list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.account_id == account.id)))
    # The bonus a referrer earned for bringing this client is named after them.
    referrer_entries = []
    if client.referrer_id is not None:
        referrer_account = ledger.account_of(client.referrer_id)
        if referrer_account is not None:
            referrer_entries = [
                entry for entry in db.session.scalars(select(LedgerEntry).where(
                    LedgerEntry.account_id == referrer_account.id, LedgerEntry.kind == "referral"))
                if entry.sale_id in sale_ids or (entry.sale_id is None and _names(entry, needles.abbreviations))]
    elsewhere = []
    if needles.strong:
        elsewhere = list(db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.account_id != account.id, _like_any([LedgerEntry.description], needles.strong))))
    seen = set()
    rows = ([(e, everything, False) for e in own] + [(e, strong, True) for e in referrer_entries]
            + [(e, strong, False) for e in elsewhere])
    for entry, pattern, names_them in rows:
        if entry.id in seen:
            continue
        seen.add(entry.id)
        locale = locales.get(entry.salon_id) or locales.get(salon_id) or "en"
        changed += _scrub_entry(entry, pattern, locale, names_them)
    return changed


def _names(entry: LedgerEntry, values: tuple[str, ...]) -> bool:
    text = entry.description.casefold()
    return any(value.casefold() in text for value in values)


def _scrub_entry(entry: LedgerEntry, pattern: re.Pattern | None, locale: str, names_them: bool = False) -> int:
    """`names_them`: the entry's `client` value is this client (the referrer's bonus for bringing them), even
    if written under a name they no longer had (a correction by a till leaves no trace in the audit)."""
    if entry.message and entry.message_values:
        values = {}
        for key, value in entry.message_values.items():
            if key == "client" and isinstance(value, str) and (names_them or _replace_text(value, pattern) != value):
                values[key] = {"message": ERASED_CLIENT, "values": {}}  # "Referral bonus: Erased client"
            else:
                values[key] = _replace_json(value, pattern)
        if values == entry.message_values:
            return 0
        entry.message_values = values
        entry.description = render(locale, entry.message, values)[:250]
        return 1
    description = _replace_text(entry.description, pattern)
    if description == entry.description:
        return 0
    entry.description = description
    return 1


def _scrub_audit(client_id: int, needles: Needles) -> int:
    """This client's entries lose the profile's values; any other entry naming them loses those words."""
    everything = needles.pattern(needles.all)
    strong = needles.pattern(needles.strong)
    changed = 0
    own = _audit_about(client_id)
    own_ids = {entry.id for entry in own}
    rows = [(entry, everything, True) for entry in own]
    if needles.strong:
        rows += [(entry, strong, False) for entry in db.session.scalars(select(AuditEntry).where(
            _like_any([cast(AuditEntry.before, String), cast(AuditEntry.after, String)], needles.strong)))
            if entry.id not in own_ids]
    for entry, pattern, personal in rows:
        before = _replace_json(entry.before, pattern, personal)
        after = _replace_json(entry.after, pattern, personal)
        if (before, after) != (entry.before, entry.after):
            entry.before, entry.after = before, after
            changed += 1
    return changed


def _scrub_grants(client_id: int, needles: Needles) -> int:
    pattern = needles.pattern(needles.all)
    changed = 0
    for grant in db.session.scalars(select(RewardGrant).where(RewardGrant.client_id == client_id)):
        reason = _replace_text(grant.reason, pattern)
        if reason != grant.reason:
            grant.reason, changed = reason, changed + 1
    return changed


def _scrub_json_rows(model, columns: tuple[str, ...], needles: Needles, client_id: int) -> int:
    """Stored JSON (an idempotent write's answer, a job's result) naming the person: the values replaced.
    An answer about this client (its `id`, or a sale's `client_id`) also loses the profile's fields."""
    if not needles.strong:
        return 0
    pattern = needles.pattern(needles.strong + needles.abbreviations)
    changed = 0
    for row in db.session.scalars(select(model).where(
            _like_any([cast(getattr(model, column), String) for column in columns], needles.strong))):
        for column in columns:
            value = getattr(row, column)
            about = isinstance(value, dict) and (value.get("id") == client_id or value.get("client_id") == client_id)
            replaced = _replace_json(value, pattern, personal_keys=about)
            if replaced != value:
                setattr(row, column, replaced)
                changed += 1
    return changed
