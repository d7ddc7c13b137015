"""Queue receipts for the printer and send them in the background: printing never blocks or fails a sale.

A job is committed first, then a worker thread sends it with a short timeout. What becomes of it:
- "printed": the printer confirmed it (see printing/transports.py for what counts as a confirmation);
- "unconfirmed" (sent, not confirmed): the receipt went out and nothing confirmed it printed. Never sent
  again by itself, since a second copy may come out; the till shows it with a reprint button;
- "failed": nothing of the receipt reached the printer, and a few retries did not help (or the printer
  said the receipt came out incomplete, or its address is refused); the job keeps its reason.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select

from pos_loyalty.core.errors import Conflict
from pos_loyalty.extensions import db
from pos_loyalty.models import PrintJob, Till
from pos_loyalty.printing.transports import PrinterConfigError, PrinterPlaces, PrintFailed, PrintUnconfirmed
from pos_loyalty.runtime import runtime
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.sales import get_sale
from pos_loyalty.services.transaction import after_commit, transaction

log = logging.getLogger(__name__)
RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30))  # then the job is failed
SEND_TIMEOUT = 3.0
PRINTED, UNCONFIRMED, FAILED, QUEUED = "printed", "unconfirmed", "failed", "queued"


def printer_for(till: Till) -> str:
    return till.printer_url or current_app.config.get("PRINTER_URL") or "none"


def queue_receipt(actor: Actor, sale_id: int) -> PrintJob:
    """Print (or reprint) a sale's receipt on its till's printer."""
    with transaction():
        sale = get_sale(actor, sale_id)
        till_id = sale.till_id if sale.till_id is not None else actor.till_id  # an imported sale: the asking till's
        till = db.session.get(Till, till_id) if till_id is not None else None
        if till is None:
            raise Conflict("This sale has no till to print on (an imported sale): ask from a till.", code="no_till")
        url = printer_for(till)
        if url == "none":
            raise Conflict("No printer is configured for this till (POS_LOYALTY_PRINTER or the till's printer).",
                           code="no_printer")
        now = runtime().now()
        job = PrintJob(sale_id=sale.id, till_id=till.id, printer_url=url, width=till.printer_width, status="queued",
                       attempts=0, error="", requested_by=actor.name, created_at=now, next_attempt_at=now)
        db.session.add(job)
        db.session.flush()
        app = current_app._get_current_object()
        after_commit(lambda: wake_worker(app))
        return job


def jobs_of_sale(actor: Actor, sale_id: int) -> list[PrintJob]:
    get_sale(actor, sale_id)
    return list(db.session.scalars(select(PrintJob).where(PrintJob.sale_id == sale_id).order_by(PrintJob.id)))


def send_due_jobs(limit: int = 20) -> int:
    """Send every job that is due; returns how many were tried. Called by the worker, or by tests."""
    from pos_loyalty.services.receipts import render_receipt

    now = runtime().now()
    with transaction():
        jobs = list(db.session.scalars(select(PrintJob).where(PrintJob.status == QUEUED,
                                                              PrintJob.next_attempt_at <= now)
                                       .order_by(PrintJob.id).limit(limit)))
        for job in jobs:
            job.status = "printing"
    for job in jobs:
        try:
            data, _ = render_receipt(_printing_at(job), job.sale_id, "escpos", job.width)
        except Exception as failure:  # a bad layout must not kill the worker; nothing was sent
            log.exception("print job %s", job.id)
            outcome = PrintFailed(f"Could not print: {failure}")
        else:
            outcome = _print(job, data)
        with transaction():
            _record(db.session.get(PrintJob, job.id), outcome)
    return len(jobs)


def _printing_at(job: PrintJob) -> Actor:
    """The worker reads the sale as the till that queued the job: that salon's sale, nobody else's."""
    till = db.session.get(Till, job.till_id)
    return Actor("printer", "till", till.salon_id, till.id)


def _print(job: PrintJob, data: bytes) -> PrintFailed | PrinterConfigError | None:
    """Send one job: None when printed, else what went wrong."""
    from pos_loyalty.printing.transports import send

    try:
        send(job.printer_url, data, PrinterPlaces.from_config(current_app.config),
             timeout=current_app.config.get("PRINT_TIMEOUT", SEND_TIMEOUT))
    except (PrintFailed, PrinterConfigError) as failure:
        return failure
    except Exception as failure:  # a fault of ours mid-way: the receipt may be out, so it is not resent
        log.exception("print job %s", job.id)
        return PrintUnconfirmed(f"Could not print: {failure}. The receipt may have printed: check, then "
                                "reprint if needed.")
    return None


def _record(job: PrintJob, outcome: PrintFailed | PrinterConfigError | None) -> None:
    job.attempts += 1
    finished = runtime().now()
    if outcome is None:
        job.status, job.error, job.finished_at = PRINTED, "", finished
    elif isinstance(outcome, PrintUnconfirmed):
        job.status, job.error, job.finished_at = UNCONFIRMED, outcome.reason[:250], finished
    elif isinstance(outcome, PrintFailed) and not outcome.sent and job.attempts <= len(RETRY_DELAYS):
        job.status, job.error = QUEUED, outcome.reason[:250]  # nothing reached the printer: safe to try again
        job.next_attempt_at = finished + RETRY_DELAYS[job.attempts - 1]
    else:
        reason = outcome.reason if isinstance(outcome, PrintFailed) else f"This printer address is refused: {outcome}"
        job.status, job.error, job.finished_at = FAILED, reason[:250], finished


class PrintWorker:
    """One daemon thread per app; woken when a job is queued, else looks for retries each second."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake, self.stopping = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, name="pos-loyalty-printer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait(timeout=1.0)
            self.wake.clear()
            if self.stopping.is_set():
                break
            try:
                with self.app.app_context():
                    while send_due_jobs():
                        pass
                    db.session.remove()
            except Exception:
                log.exception("print worker")

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the job in hand and end the thread (an app being shut down, or a test ending)."""
        self.stopping.set()
        self.wake.set()
        self.thread.join(timeout)


_workers_lock = threading.Lock()
WORKER_KEY = "pos_loyalty.print_worker"  # in app.extensions: one worker per app object, never shared


def wake_worker(app: Flask) -> None:
    if app.config.get("PRINT_WORKER", "thread") != "thread":
        return  # tests send jobs themselves with send_due_jobs()
    with _workers_lock:
        worker = app.extensions.get(WORKER_KEY)
        if worker is None:
            worker = app.extensions[WORKER_KEY] = PrintWorker(app)
    worker.wake.set()


def stop_worker(app: Flask) -> None:
    with _workers_lock:
        worker = app.extensions.pop(WORKER_KEY, None)
    if worker is not None:
        worker.stop()


def queue_paid_sale_receipt(sale_id: int, till_id: int) -> PrintJob | None:
    """A paid sale's receipt, queued in the payment's transaction when its till has a printer.

    Nothing here can fail the sale: it reads a till the payment already loaded and adds one row.
    """
    till = db.session.get(Till, till_id)
    if till is None or printer_for(till) == "none":
        return None
    return queue_receipt(Actor("automatic", "till", till.salon_id, till.id), sale_id)
