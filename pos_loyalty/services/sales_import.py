"""Import past sales from a CSV file (`pos-loyalty import-sales`, the manager's upload page).

Two streaming passes over the file, in constant memory whatever its length (core/sales_import.py reads it
row by row). The first checks everything and writes nothing: each row on its own, each sale's rows together,
and each sale's client (found by e-mail, phone or referral code; a client not found needs a first and last
name to be created). Unless every row is good, or `skip_bad` is given, nothing is imported. The second pass
imports the good sales in batches, one short transaction each: the clients found or created (by
create_client's own rules: a referral code, a card token, a points account), each sale with its lines, paid
(`paid_at`: the row's date and time, or noon in the salon's time zone for a date alone), `source` "import",
`external_ref` its `sale` value, and one payment of its total by the method "other". A sale whose reference
this salon imported already is reported and left as it is: importing the same file twice makes no second
sale. Imported sales earn nothing: they are history until `recalculate` (services/recalculation.py) prices
them by today's rules.
"""
from __future__ import annotations

import os
import re
import time as timer
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from pos_loyalty.core.errors import Forbidden
from pos_loyalty.core.sales_import import (CatalogueEntry, ClientKey, FileError, ImportedSale, RowError, _Digests,
                                           read_sales)
from pos_loyalty.extensions import db
from pos_loyalty.models import CatalogueItem, Client, Payment, Sale, SaleLine, Salon
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.clients import create_client
from pos_loyalty.services.context import current_terms
from pos_loyalty.services.transaction import transaction

BATCH_SALES = 500  # sales per transaction (and per lookup of clients and references)
MAX_ERRORS_KEPT = 1_000  # the report keeps the first ones and counts the rest: memory stays flat
_DIGITS = re.compile(r"\D+")
NOON = time(12, 0)


@dataclass
class ImportReport:
    rows: int = 0
    sales_found: int = 0  # good sales in the file
    errors: list[RowError] = field(default_factory=list)  # the first MAX_ERRORS_KEPT
    error_count: int = 0
    duplicates: list[str] = field(default_factory=list)  # references imported already (the first ones)
    duplicate_count: int = 0
    sales_imported: int = 0
    lines_imported: int = 0
    clients_created: int = 0
    imported: bool = False  # False: refused (bad rows without skip_bad, or a file error)
    seconds: float = 0.0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)

    def summary(self) -> dict:
        return {name: value for name, value in asdict(self).items() if name not in ("errors", "duplicates")}


Progress = Callable[[str, int, int], None]  # (step "check" | "import", done, total)


def import_sales_file(actor: Actor, stream: BinaryIO, *, skip_bad: bool = False,
                      progress: Progress | None = None) -> ImportReport:
    """Check the file, then import it unless a row is bad and `skip_bad` is not given. `stream`: the file,
    binary, seekable (read twice). `progress(step, done, total)`: bytes checked, then sales imported."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can import sales.")
    began = timer.perf_counter()
    report = ImportReport()
    size = _size(stream)
    try:
        _check(actor, stream, report, size, progress)
    except FileError as error:
        report.add_error(RowError(error.line, error.message))
        report.seconds = round(timer.perf_counter() - began, 3)
        return report
    if report.error_count and not skip_bad:
        report.seconds = round(timer.perf_counter() - began, 3)
        return report
    stream.seek(0)
    _import(actor, stream, report, progress)
    report.imported = True
    report.seconds = round(timer.perf_counter() - began, 3)
    with transaction():
        audit.record(actor, "sale.import", f"{report.sales_imported} sales", None, report.summary())
    return report


def _size(stream: BinaryIO) -> int:
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


@dataclass
class _Setting:
    salon: Salon
    zone: ZoneInfo
    today: date
    catalogue: dict[str, CatalogueEntry]
    catalogue_only: bool


def _setting(actor: Actor) -> _Setting:
    with transaction():
        salon = db.session.get(Salon, actor.salon_id)
        zone = ZoneInfo(salon.timezone)
        catalogue = {item.code.upper(): CatalogueEntry(item.code, item.name, item.kind, item.category or "", item.price)
                     for item in db.session.scalars(select(CatalogueItem).where(CatalogueItem.salon_id == salon.id))}
        return _Setting(salon, zone, runtime().now().astimezone(zone).date(), catalogue, current_terms().catalogue_only)


def _sales_in_batches(stream: BinaryIO, setting: _Setting, report: ImportReport | None,
                      ) -> Iterator[list[ImportedSale]]:
    """The file's good sales, BATCH_SALES at a time; its bad rows go to `report` (the first pass)."""
    batch: list[ImportedSale] = []
    for item in read_sales(stream, setting.catalogue.get, catalogue_only=setting.catalogue_only,
                           today=setting.today):
        if isinstance(item, RowError):
            if report is not None:
                report.add_error(item)
            continue
        batch.append(item)
        if len(batch) >= BATCH_SALES:
            yield batch
            batch = []
    if batch:
        yield batch


def _check(actor: Actor, stream: BinaryIO, report: ImportReport, size: int, progress: Progress | None) -> None:
    """The first pass: every row and every sale checked, nothing written."""
    setting = _setting(actor)
    to_create = _Digests()  # the clients an earlier sale of the file creates: a later one may name them alone
    for batch in _sales_in_batches(stream, setting, report):
        with transaction():  # reads only
            found = _find_clients({sale.client for sale in batch})
            known = _imported_already(actor.salon_id, [sale.ref for sale in batch])
        for sale in batch:
            if sale.ref in known:
                continue
            key = f"{sale.client.by}:{sale.client.value}"
            if sale.client in found:
                continue
            if sale.client.by == "code":
                report.add_error(RowError(sale.line, f"client: no client has the referral code {sale.client.value}"))
            elif sale.first_name and sale.last_name:
                to_create.add(key)
            elif to_create.add(key):  # not made by an earlier sale of the file either
                to_create = _forget(to_create, key)
                report.add_error(RowError(sale.line, f"client: {sale.client.value} is not a client yet; give"
                                                     " first_name and last_name to create them"))
        report.sales_found += sum(1 for sale in batch if sale.ref not in known)
        if progress:
            progress("check", min(stream.tell(), size), size)
    report.errors.sort(key=lambda error: error.line)
    if progress:
        progress("check", size, size)


def _forget(digests: _Digests, key: str) -> _Digests:
    """The set without `key` (rare: a client named without names and not found), rebuilt."""
    value, rebuilt = digests.digest(key), _Digests()
    for held in digests.table:
        if held and held != value:
            rebuilt._put(held)
    return rebuilt


def _import(actor: Actor, stream: BinaryIO, report: ImportReport, progress: Progress | None) -> None:
    """The second pass: the good sales written, a batch per transaction."""
    setting = _setting(actor)
    total, done = report.sales_found, 0
    for batch in _sales_in_batches(stream, setting, None):
        with transaction():
            done += _import_batch(actor, setting, batch, report)
        if progress:
            progress("import", min(done, total), total)
    if progress:
        progress("import", total, total)


def _import_batch(actor: Actor, setting: _Setting, batch: list[ImportedSale], report: ImportReport) -> int:
    known = _imported_already(actor.salon_id, [sale.ref for sale in batch])
    clients = _find_clients({sale.client for sale in batch})
    sales, lines_of = [], []
    for sale in batch:
        if sale.ref in known:
            report.duplicate_count += 1
            if len(report.duplicates) < MAX_ERRORS_KEPT:
                report.duplicates.append(sale.ref)
            continue
        client_id = clients.get(sale.client)
        if client_id is None:
            if sale.client.by == "code" or not (sale.first_name and sale.last_name):
                continue  # reported by the first pass (skip_bad)
            fields = {"first_name": sale.first_name, "last_name": sale.last_name,
                      sale.client.by: sale.client.value}
            client_id = clients[sale.client] = create_client(actor, fields).id
            report.clients_created += 1
        paid_at = _paid_at(sale.when, setting.zone)
        total = sum((line.unit_price * line.quantity for line in sale.lines), Decimal(0))
        sales.append({"salon_id": actor.salon_id, "till_id": None, "client_id": client_id, "status": "paid",
                      "source": "import", "external_ref": sale.ref, "discount_code": None,
                      "code_discount": Decimal(0), "created_at": paid_at, "created_by": actor.name[:80],
                      "paid_at": paid_at, "closed_at": paid_at, "program_version": None, "points_earned": 0,
                      "points_redeemed": 0})
        lines_of.append((sale, total, paid_at))
    if not sales:
        return 0
    ids = list(db.session.scalars(insert(Sale).returning(Sale.id, sort_by_parameter_order=True), sales))
    lines, payments = [], []
    for sale_id, (sale, total, paid_at) in zip(ids, lines_of):
        for position, line in enumerate(sale.lines):
            lines.append({"sale_id": sale_id, "position": position, "code": line.code, "name": line.name,
                          "kind": line.kind, "category": line.category, "quantity": line.quantity,
                          "unit_price": line.unit_price})
        payments.append({"sale_id": sale_id, "amount": total, "tendered": total, "method": "other", "at": paid_at})
    _insert_values(SaleLine, lines)
    _insert_values(Payment, payments)
    report.sales_imported += len(ids)
    report.lines_imported += len(lines)
    return len(ids)


def _insert_values(model, rows: list[dict], chunk: int = 1_000) -> None:
    """Rows in multi-row INSERT ... VALUES statements (one round trip per thousand rows, not one per row)."""
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(model).values(rows[start:start + chunk]))


def _paid_at(when: date | datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(when, datetime):
        when = datetime.combine(when, NOON)
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when.astimezone(UTC)


def _imported_already(salon_id: int, refs: list[str]) -> set[str]:
    if not refs:
        return set()
    return set(db.session.scalars(select(Sale.external_ref).where(Sale.salon_id == salon_id,
                                                                  Sale.external_ref.in_(refs))))


def _find_clients(keys: set[ClientKey]) -> dict[ClientKey, int]:
    """The clients (not erased) the keys name, in three queries: e-mails (any case), phones (as typed, else by
    their digits), referral codes."""
    found: dict[ClientKey, int] = {}
    alive = Client.erased_at.is_(None)
    emails = {key.value: key for key in keys if key.by == "email"}
    if emails:
        for client_id, email in db.session.execute(select(Client.id, func.lower(Client.email)).where(
                alive, func.lower(Client.email).in_(list(emails))).order_by(Client.id.desc())):
            found[emails[email]] = client_id  # the oldest client wins when two share an address
    codes = {key.value: key for key in keys if key.by == "code"}
    if codes:
        for client_id, code in db.session.execute(select(Client.id, Client.referral_code).where(
                alive, Client.referral_code.in_(list(codes)))):
            found[codes[code]] = client_id
    phones = {key.value: key for key in keys if key.by == "phone"}
    if phones:
        for client_id, phone in db.session.execute(select(Client.id, Client.phone).where(
                alive, Client.phone.in_(list(phones))).order_by(Client.id.desc())):
            found[phones[phone]] = client_id
        for typed, key in phones.items():
            if key in found:
                continue
            digits = _significant(typed)
            for client_id, phone in db.session.execute(select(Client.id, Client.phone).where(
                    alive, Client.search_text.contains(digits, autoescape=True)).order_by(Client.id)):
                if phone and _significant(phone) == digits:
                    found[key] = client_id
                    break
    return found


def _significant(phone: str) -> str:
    """The digits that name a line whatever the prefix: "06 11 22 33 44" and "+33 6 11 22 33 44" are one
    number (the last nine digits, when there are that many: the national number without its trunk 0)."""
    digits = _DIGITS.sub("", phone)
    return digits[-9:] if len(digits) >= 9 else digits
