"""Lay a receipt out: a salon-editable Jinja2 template (receipts/NAME.txt.j2) writes the receipt markup,
which becomes typed print instructions for the outputs (one layout, three outputs).

Templates run sandboxed (a salon's file cannot reach Python internals) and every value they insert is
quoted, so a client called "@cut" prints as a name. Money is formatted with babel in the receipt's locale.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.dates import format_date, format_time, get_date_format
from babel.numbers import format_currency
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from pos_loyalty.core.receipt import ReceiptData
from pos_loyalty.printing.instructions import Instruction
from pos_loyalty.printing.labels import translator
from pos_loyalty.printing.markup import LayoutError, parse, quote

LAYOUTS = Path(__file__).resolve().parents[2] / "receipts"  # the bundled layouts
LAYOUT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MIN_COLUMNS, MAX_COLUMNS = 24, 64

__all__ = ["LAYOUTS", "LayoutError", "render"]


def render(receipt: ReceiptData, width_columns: int, layout_name: str = "default",
           folder: Path | None = None) -> list[Instruction]:
    """The print instructions of `receipt` on paper `width_columns` wide (32 for 58 mm, 48 for 80 mm), laid
    out by `layout_name`.txt.j2, looked up in `folder` first (a salon's own layouts), then in receipts/."""
    if not MIN_COLUMNS <= width_columns <= MAX_COLUMNS:
        raise LayoutError(f"a receipt is {MIN_COLUMNS} to {MAX_COLUMNS} columns wide, not {width_columns}")
    if not LAYOUT_NAME.fullmatch(layout_name):
        raise LayoutError(f"{layout_name!r} is not a layout name (letters, digits, - and _)")
    name = f"{layout_name}.txt.j2"
    try:
        template = _environment(str(folder) if folder else None).get_template(name)
        source = template.render(receipt=receipt, width=width_columns, **helpers(receipt.locale, receipt.currency))
        return parse(source, width_columns)
    except TemplateNotFound:
        raise LayoutError(f"there is no receipt layout {name}") from None
    except LayoutError as error:
        raise LayoutError(f"{name} {error}") from None
    except (TemplateError, ArithmeticError, AttributeError, KeyError, TypeError, ValueError) as error:
        # A salon's template mistake must say where it is, not crash the till with a traceback.
        raise LayoutError(f"{name} line {_template_line(error, name)}: {error}") from error


def helpers(locale: str, currency: str) -> dict[str, Callable]:
    """What a template can call besides `receipt` and `width` (documented in receipts/README.md)."""
    date_pattern = re.sub("y+", "y", get_date_format("short", locale=locale).pattern)  # always a 4-digit year

    def money(amount: Decimal | int) -> str:
        if isinstance(amount, float):  # money is exact: a float here is a bug upstream, not a rounding choice
            raise TypeError("money() takes a Decimal, never a float")
        return format_currency(amount, currency, locale=locale)

    def day(value: date) -> str:
        return format_date(value, format=date_pattern, locale=locale)

    def moment(value: datetime) -> str:
        # The receipt's datetime is already in the salon's time zone: print its wall-clock time as is.
        return f"{day(value)} {format_time(value.replace(tzinfo=None), format='short', locale=locale)}"

    def signed(points: int) -> str:
        return f"{points:+d}"

    def nobreak(text: str) -> str:
        """Keep a short name on one line when a sentence wraps ("Bon de 25 €")."""
        return str(text).replace(" ", "\u00a0")

    return {"t": translator(locale), "money": money, "day": day, "moment": moment, "signed": signed,
            "nobreak": nobreak}


@lru_cache(maxsize=8)
def _environment(folder: str | None) -> SandboxedEnvironment:
    folders = [FileSystemLoader(folder)] if folder else []
    # trim_blocks stays off: "{% if x %}@center {{ x }}{% endif %}" must keep its line end; the blank lines
    # that lone block tags leave are dropped by the markup parser.
    return SandboxedEnvironment(loader=ChoiceLoader(folders + [FileSystemLoader(str(LAYOUTS))]),
                                undefined=StrictUndefined, autoescape=False, lstrip_blocks=True,
                                finalize=quote, auto_reload=True)


def _template_line(error: Exception, name: str) -> int | str:
    if getattr(error, "lineno", None):
        return error.lineno
    trace, line = error.__traceback__, "?"
    while trace is not None:  # Jinja rewrites tracebacks so that template frames carry template lines
        if trace.tb_frame.f_code.co_filename.endswith(name):
            line = trace.tb_lineno
        trace = trace.tb_next
    return line
