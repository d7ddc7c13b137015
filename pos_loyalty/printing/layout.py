"""Lay a receipt out: the salon-editable template (receipts/*.txt.j2) becomes typed print instructions,
which the outputs turn into text, ESC/POS bytes or a PNG preview (one layout, three outputs)."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pos_loyalty.core.receipt import ReceiptData
from pos_loyalty.printing.labels import translator

LAYOUTS = Path(__file__).resolve().parents[2] / "receipts"


@dataclass(frozen=True)
class Line:
    text: str
    align: str = "left"  # left | center | right
    bold: bool = False
    big: bool = False


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class QRCode:
    data: str


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    pass


Instruction = Line | Rule | QRCode | Feed | Cut


class LayoutError(Exception):
    """A salon's layout has a mistake: the message says which line."""


def _environment(folder: Path) -> Environment:
    return Environment(loader=FileSystemLoader(str(folder)), undefined=StrictUndefined, autoescape=False,
                       trim_blocks=False, lstrip_blocks=True, keep_trailing_newline=False)


def render(receipt: ReceiptData, width: int, layout: str = "default", folder: Path | None = None) -> list[Instruction]:
    locale = receipt.locale
    helpers = {
        "t": translator(locale),
        "money": lambda amount: format_currency(amount, receipt.currency, locale=locale),
        "day": lambda value: format_date(value, format="short", locale=locale),
        "moment": lambda value: format_datetime(value, format="short", locale=locale),
        "points": lambda value: f"{value:+d}",
    }
    try:
        template = _environment(folder or LAYOUTS).get_template(f"{layout}.txt.j2")
        source = template.render(receipt=receipt, width=width, **helpers)
    except Exception as error:  # a template error must say where, not crash the till
        raise LayoutError(f"receipt layout {layout!r}: {error}") from error
    instructions: list[Instruction] = []
    # Babel's non-breaking spaces (75,00\u00a0€, 1\u202f234) are plain spaces on paper.
    source = source.replace("\u00a0", " ").replace("\u202f", " ")
    for number, raw in enumerate(source.splitlines(), 1):
        if raw.strip():
            instructions.extend(_parse(raw.rstrip(), width, number))
    return instructions


def _parse(raw: str, width: int, number: int) -> list[Instruction]:
    align, bold, big, rest = "left", False, False, raw
    while rest.startswith("@"):
        word, _, after = rest.partition(" ")
        if word == "@center":
            align = "center"
        elif word == "@right":
            align = "right"
        elif word == "@bold":
            bold = True
        elif word == "@big":
            big = True
        elif word == "@rule":
            return [Rule(after.strip()[:1] or "-")]
        elif word == "@qr":
            return [QRCode(after.strip())] if after.strip() else []
        elif word == "@feed":
            if not after.strip().isdigit():
                raise LayoutError(f"line {number}: @feed takes a number of lines")
            return [Feed(min(int(after), 10))]
        elif word == "@cut":
            return [Cut()]
        elif word == "@cols":
            left, sep, right = after.rpartition(" | ")
            if not sep:
                raise LayoutError(f"line {number}: @cols needs LEFT | RIGHT")
            return [Line(text, "left", bold) for text in columns(left, right, width)]
        else:
            raise LayoutError(f"line {number}: unknown directive {word}")
        rest = after
    columns_here = width // 2 if big else width
    return [Line(text, align, bold, big) for text in textwrap.wrap(rest, columns_here) or [""]]


def columns(left: str, right: str, width: int) -> list[str]:
    """LEFT and RIGHT on one line; a long LEFT wraps and RIGHT goes on its last line."""
    room = width - len(right) - 1
    if room < 8:
        return textwrap.wrap(left, width) + [right.rjust(width)]
    indent = " " * (len(left) - len(left.lstrip()))
    wrapped = textwrap.wrap(left.strip(), room, initial_indent=indent, subsequent_indent=indent) or [""]
    return wrapped[:-1] + [wrapped[-1].ljust(room) + " " + right]
