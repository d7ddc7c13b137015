"""A till's test print: a short page sent to its printer now, and what became of it, in the printer's words.

Unlike receipts (queued, sent by the worker, never blocking a sale), a test print is sent during the
manager's request, since its answer is the point. Each step of the transport is bounded by the print
timeout, and the whole by TEST_PRINT_DEADLINE: a printer that keeps the line open without reading cannot
hold the page for longer than that.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app

from pos_loyalty.extensions import db
from pos_loyalty.models import Salon
from pos_loyalty.printing import markup, outputs
from pos_loyalty.printing.transports import PrinterConfigError, PrinterPlaces, PrintFailed, PrintUnconfirmed, send
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.printing import SEND_TIMEOUT, printer_for
from pos_loyalty.services.tills import salon_till
from pos_loyalty.services.transaction import transaction

TEST_PRINT_DEADLINE = 8.0  # seconds, everything included


@dataclass(frozen=True)
class PrinterCheck:
    status: str  # printed | unconfirmed | failed
    reason: str  # "" when printed
    printer_url: str

    @property
    def ok(self) -> bool:
        return self.status == "printed"


def sample_page(salon: Salon, till_name: str, width: int, title: str, note: str) -> bytes:
    """The ESC/POS bytes of the test page: the till, the paper's width drawn edge to edge, accents and €."""
    when = runtime().now().strftime("%Y-%m-%d %H:%M UTC")
    ruler = ("1234567890" * 5)[:width]
    source = "\n".join([
        f"@center @double @bold {markup.quote(title)}",
        f"@center {markup.quote(salon.name)}",
        f"@center {markup.quote(till_name)}",
        "@rule =",
        f"@truncate {ruler}",
        f"@columns {width} | {width}",
        "@center é è à ç ù ô € £",
        "@rule -",
        markup.quote(note),
        f"@center {markup.quote(when)}",
        "@feed 2",
        "@cut",
    ])
    return outputs.to_escpos(markup.parse(source, width), outputs.profile_for_width(width))


def _send_within(url: str, data: bytes, places: PrinterPlaces, step: float, deadline: float) -> Exception | None:
    """send() in a thread of its own, waited for at most `deadline` seconds: None when printed."""
    outcome: list[Exception | None] = []

    def run() -> None:
        try:
            send(url, data, places, timeout=step)
            outcome.append(None)
        except Exception as failure:  # reported to the manager, whatever it is
            outcome.append(failure)

    worker = threading.Thread(target=run, name="pos-loyalty-test-print", daemon=True)
    worker.start()
    worker.join(deadline)
    if not outcome:
        return PrintUnconfirmed(f"The printer did not finish within {deadline:g} seconds: it may still print; "
                                "check it.")
    return outcome[0]


def print_test_page(actor: Actor, code: str, title: str = "Test print",
                    note: str = "If you can read this, the printer works.") -> PrinterCheck:
    till = salon_till(actor, code)
    url = printer_for(till)
    if url == "none":
        result = PrinterCheck("failed", "No printer is set up for this till.", url)
    else:
        try:
            places = PrinterPlaces.from_config(current_app.config)
            data = sample_page(db.session.get(Salon, till.salon_id), till.name or till.code, till.printer_width,
                             title, note)
            step = min(float(current_app.config.get("PRINT_TIMEOUT", SEND_TIMEOUT)), SEND_TIMEOUT)
            deadline = float(current_app.config.get("TEST_PRINT_DEADLINE", TEST_PRINT_DEADLINE))
            failure = _send_within(url, data, places, step, deadline)
        except PrinterConfigError as refused:
            failure = refused
        if failure is None:
            result = PrinterCheck("printed", "", url)
        elif isinstance(failure, PrintUnconfirmed):
            result = PrinterCheck("unconfirmed", failure.reason, url)
        elif isinstance(failure, PrintFailed):
            result = PrinterCheck("failed", failure.reason, url)
        elif isinstance(failure, PrinterConfigError):
            result = PrinterCheck("failed", f"This printer address is refused: {failure}", url)
        else:
            result = PrinterCheck("failed", f"Could not print: {failure}", url)
    with transaction():
        audit.record(actor, "till.test_print", f"till {till.code}", None,
                     {"printer_url": url, "result": result.status, "reason": result.reason[:200]})
    return result
