"""Reading a file of past sales (`pos-loyalty import-sales`, the manager's upload), in plain Python.

The file is CSV, UTF-8 with or without a BOM, its delimiter `,` or `;` (read from the header line), one line
per sale line: `date` (ISO: 2026-03-14, or with a time 2026-03-14T10:30), `sale` (the lines with the same
value, one after the other, form one sale), `client` (e-mail, phone or referral code), `first_name` and
`last_name` (to create a client not found), `code`, `name`, `kind` (service or product), `category`,
`quantity` (a whole number, 1 to 999) and `unit_price` (75.00 or 75,00). A line whose code is in the
salon's catalogue takes its kind and category from there (a line saying otherwise is refused) and its price
when it has none; another code must bring its kind, name and price, unless the programme is
`catalogue_only` (then it is refused): the host POS's rule (PRODUCT.md §2).

Everything streams: `read_rows` yields one row at a time and `SaleGrouper` one sale at a time, so a file of
any length is read in constant memory (the only thing kept for the whole file is a compact set of 8-byte
digests of the sale references seen, to refuse a sale whose lines are scattered). Each bad row is a
`RowError` with its line number (the header is line 1).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from .referral import normalise_referral_code

COLUMNS = ("date", "sale", "client", "first_name", "last_name", "code", "name", "kind", "category", "quantity",
           "unit_price")
REQUIRED_COLUMNS = ("date", "sale", "client", "code", "quantity", "unit_price")
KINDS = ("service", "product")
MAX_LINES = 200  # a sale's lines, as at the till
MAX_QUANTITY = 999
MAX_PRICE = Decimal("10000000.00")
LENGTHS = {"sale": 80, "client": 254, "first_name": 80, "last_name": 80, "code": 40, "name": 120, "category": 40}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,24}$")
_AMOUNT = re.compile(r"^-?\d+([.,]\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class FileError(Exception):
    """The file as a whole cannot be read (not UTF-8, no header, a required column missing)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message, self.line = message, line


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    kind: str
    category: str
    price: Decimal


@dataclass(frozen=True)
class ClientKey:
    """Who a row names: by e-mail, phone or referral code (`value` normalised for the lookup)."""

    by: str  # email | phone | code
    value: str


@dataclass(frozen=True)
class ImportLine:
    code: str
    name: str
    kind: str
    category: str
    quantity: int
    unit_price: Decimal


@dataclass
class ImportedSale:
    ref: str
    line: int  # the line number of its first row
    when: date | datetime  # a date alone: the service places it at noon in the salon's time zone
    client: ClientKey
    first_name: str
    last_name: str
    lines: list[ImportLine] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedRow:
    line: int
    ref: str
    when: date | datetime
    client: ClientKey
    first_name: str
    last_name: str
    item: ImportLine


def read_rows(stream: BinaryIO) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) of every non-empty row after the header, streamed. Raises FileError for
    a file that is not UTF-8 or whose header lacks a required column; a row with more or fewer values than
    the header has them as the key None / missing keys (parse_row says so)."""
    text = codecs.getreader("utf-8-sig")(stream, errors="strict")
    reader_lines = _numbered(text)
    try:
        header_line = next(reader_lines, None)
    except UnicodeDecodeError:
        raise FileError("The file is not UTF-8 text (save it as CSV UTF-8).") from None
    if header_line is None or not header_line.strip():
        raise FileError("The file is empty: its first line must name the columns.")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([header_line], delimiter=delimiter))]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FileError(f"The header (line 1) lacks the column{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(missing)}; it has: {', '.join(header)}.")
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise FileError(f"The header (line 1) names {', '.join(doubled)} twice.")
    counter = _LineCounter(reader_lines)
    reader = csv.reader(counter, delimiter=delimiter)
    while True:
        counter.first = counter.line + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise FileError(f"The file is not UTF-8 text from line {counter.line + 1} on (save it as CSV UTF-8).",
                            counter.line + 1) from None
        except csv.Error as error:
            raise FileError(f"Line {counter.line}: {error}.", counter.line) from None
        if not any(value.strip() for value in values):
            continue
        row: dict = dict(zip(header, values))
        if len(values) != len(header):
            row[None] = f"{len(values)} values where the header has {len(header)}"
        yield counter.first, row


def _numbered(text) -> Iterator[str]:
    while True:
        line = text.readline()
        if not line:
            return
        yield line


class _LineCounter:
    """The physical lines the csv reader takes: `first` is the line its last row began on (the header is 1)."""

    def __init__(self, lines: Iterator[str]):
        self.lines, self.line, self.first = lines, 1, 1

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.line += 1
        return line


def parse_row(line: int, row: dict, catalogue: Callable[[str], CatalogueEntry | None], *, catalogue_only: bool,
              today: date) -> tuple[ParsedRow | None, list[RowError]]:
    """One row checked on its own: its values, or every problem it has (each a RowError of its line)."""
    problems: list[str] = []
    if None in row:
        problems.append(str(row[None]))
    values = {name: (row.get(name) or "").strip() for name in COLUMNS}
    for name, value in values.items():
        if _CONTROL.search(value):
            problems.append(f"{name}: a control character")
        if name in LENGTHS and len(value) > LENGTHS[name]:
            problems.append(f"{name}: {LENGTHS[name]} characters at most")
    when = _when(values["date"], today, problems)
    ref = values["sale"]
    if not ref:
        problems.append("sale: empty (the lines of one sale share a reference)")
    client = client_key(values["client"], problems)
    code = values["code"].upper()
    if not code:
        problems.append("code: empty")
    quantity = _quantity(values["quantity"], problems)
    price = _price(values["unit_price"], problems)
    kind = values["kind"].lower()
    if kind and kind not in KINDS:
        problems.append(f"kind: {values['kind']!r} is neither service nor product")
    category = values["category"].lower()
    name = values["name"]
    item = catalogue(code) if code else None
    if item is not None:
        if kind and kind != item.kind:
            problems.append(f"kind: {item.code} is a {item.kind} in the catalogue")
        if category and category != (item.category or "").lower():
            problems.append(f"category: {item.code} is in the category {item.category!r} in the catalogue")
        kind, category, name = item.kind, item.category, name or item.name
        if price is None and not values["unit_price"]:
            price = item.price
    elif code:
        if catalogue_only:
            problems.append(f"code: {code} is not in the catalogue (the programme sells from the catalogue only)")
        else:
            for column, value in (("kind", kind), ("name", name), ("unit_price", values["unit_price"])):
                if not value:
                    problems.append(f"{column}: required for a code outside the catalogue ({code})")
    if problems or when is None or client is None or quantity is None or price is None:
        if not problems:
            problems.append("incomplete row")
        return None, [RowError(line, "; ".join(problems))]
    return ParsedRow(line, ref, when, client, values["first_name"], values["last_name"],
                     ImportLine(code, name, kind, category, quantity, price)), []


def client_key(text: str, problems: list[str]) -> ClientKey | None:
    if not text:
        problems.append("client: empty (an e-mail, a phone number or a referral code)")
        return None
    if "@" in text:
        if not _EMAIL.match(text):
            problems.append(f"client: {text!r} is not an e-mail address")
            return None
        return ClientKey("email", text.lower())
    if _PHONE.match(text) and sum(ch.isdigit() for ch in text) >= 6:
        return ClientKey("phone", text)
    code = normalise_referral_code(text)
    if not code:
        problems.append(f"client: {text!r} is neither an e-mail, a phone number nor a referral code")
        return None
    return ClientKey("code", code)


def _when(text: str, today: date, problems: list[str]) -> date | datetime | None:
    if not text:
        problems.append("date: empty")
        return None
    try:
        when: date | datetime = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        problems.append(f"date: {text!r} is not an ISO date (2026-03-14 or 2026-03-14T10:30)")
        return None
    day = when.date() if isinstance(when, datetime) else when
    if day > today:
        problems.append(f"date: {text} is in the future")
        return None
    if day.year < 1970:
        problems.append(f"date: {text} is too old")
        return None
    return when


def _quantity(text: str, problems: list[str]) -> int | None:
    if not text.isdigit() or not text.isascii():
        problems.append(f"quantity: {text!r} is not a whole number of at least 1")
        return None
    quantity = int(text)
    if not 1 <= quantity <= MAX_QUANTITY:
        problems.append(f"quantity: {quantity} is not between 1 and {MAX_QUANTITY}")
        return None
    return quantity


def _price(text: str, problems: list[str]) -> Decimal | None:
    if not text:
        return None  # a catalogue line takes the catalogue's price; another one is refused (parse_row)
    if not _AMOUNT.match(text):
        problems.append(f"unit_price: {text!r} is not an amount (75.00)")
        return None
    try:
        price = Decimal(text.replace(",", "."))
    except InvalidOperation:
        problems.append(f"unit_price: {text!r} is not an amount (75.00)")
        return None
    if price < 0:
        problems.append(f"unit_price: {text} is negative")
        return None
    if price != price.quantize(Decimal("0.01")):
        problems.append(f"unit_price: {text} has more than two decimals")
        return None
    if price > MAX_PRICE:
        problems.append(f"unit_price: {text} is more than {MAX_PRICE}")
        return None
    return price.quantize(Decimal("0.01"))


class _Digests:
    """A set of 8-byte digests in one flat array (open addressing): the sale references seen, 16 bytes each."""

    def __init__(self) -> None:
        self.table, self.count = array("Q", bytes(8 * 1024)), 0

    @staticmethod
    def digest(text: str) -> int:
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") or 1

    def add(self, text: str) -> bool:
        """False when it was there already."""
        if self.count * 2 >= len(self.table):
            self._grow()
        return self._put(self.digest(text))

    def _put(self, value: int) -> bool:
        mask = len(self.table) - 1
        slot = value & mask
        while True:
            held = self.table[slot]
            if held == 0:
                self.table[slot] = value
                self.count += 1
                return True
            if held == value:
                return False
            slot = (slot + 1) & mask

    def _grow(self) -> None:
        old, self.table, self.count = self.table, array("Q", bytes(16 * len(self.table))), 0
        for value in old:
            if value:
                self._put(value)


class SaleGrouper:
    """Rows in, whole sales out: the rows of a sale follow each other and agree on its date and client."""

    def __init__(self) -> None:
        self.current: ImportedSale | None = None
        self.current_bad = False
        self.seen = _Digests()

    def add(self, row: ParsedRow | None, line: int, ref: str) -> tuple[list[ImportedSale], list[RowError]]:
        """Feed one row (None for a bad one, with its `line` and `sale` text): the sales completed, and the
        errors this row adds to the ones parse_row found (a sale whose rows disagree or are scattered)."""
        done: list[ImportedSale] = []
        errors: list[RowError] = []
        if self.current is None or ref != self.current.ref:
            finished = self.finish()
            if finished is not None:
                done.append(finished)
            if ref and not self.seen.add(ref):
                errors.append(RowError(line, f"sale: {ref} appeared earlier in the file, with other sales between;"
                                             " the lines of a sale must follow each other"))
                self.current_bad = True
            if row is None or errors:
                self.current, self.current_bad = (ImportedSale(ref, line, date.min, ClientKey("", ""), "", "")
                                                  if ref else None), True
                return done, errors
            self.current = ImportedSale(row.ref, row.line, row.when, row.client, row.first_name, row.last_name,
                                        [row.item])
            return done, errors
        if row is None:
            self.current_bad = True
            return done, errors
        sale = self.current
        if not self.current_bad:
            if row.when != sale.when:
                errors.append(RowError(line, f"date: {row.when.isoformat()} where line {sale.line} of sale {ref}"
                                             f" says {sale.when.isoformat()}"))
            if row.client != sale.client:
                errors.append(RowError(line, f"client: {row.client.value} where line {sale.line} of sale {ref}"
                                             f" says {sale.client.value}"))
            if len(sale.lines) >= MAX_LINES:
                errors.append(RowError(line, f"sale {ref}: {MAX_LINES} lines at most"))
            if errors:
                self.current_bad = True
            else:
                sale.lines.append(row.item)
                sale.first_name = sale.first_name or row.first_name
                sale.last_name = sale.last_name or row.last_name
        return done, errors

    def finish(self) -> ImportedSale | None:
        """The sale under way, if it is whole and good."""
        sale, bad = self.current, self.current_bad
        self.current, self.current_bad = None, False
        return None if sale is None or bad else sale


def read_sales(stream: BinaryIO, catalogue: Callable[[str], CatalogueEntry | None], *, catalogue_only: bool,
               today: date) -> Iterator[ImportedSale | RowError]:
    """Every good sale of the file and every bad row, in the file's order, streamed (see the module's doc).
    A sale with a bad row is not given: with --skip-bad it is left out whole."""
    grouper = SaleGrouper()
    for line, row in read_rows(stream):
        parsed, errors = parse_row(line, row, catalogue, catalogue_only=catalogue_only, today=today)
        yield from errors
        ref = (row.get("sale") or "").strip()
        done, more = grouper.add(parsed, line, ref)
        yield from more
        yield from done
    last = grouper.finish()
    if last is not None:
        yield last


def sales_of_text(text: str, catalogue: Iterable[CatalogueEntry] = (), *, catalogue_only: bool = False,
                  today: date = date.max) -> list[ImportedSale | RowError]:
    """read_sales over a text (tests, small files)."""
    items = {item.code.upper(): item for item in catalogue}
    return list(read_sales(io.BytesIO(text.encode()), items.get, catalogue_only=catalogue_only, today=today))
