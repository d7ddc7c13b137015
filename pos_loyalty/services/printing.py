"""Queue receipts for the printer and send them in the background: printing never blocks or fails a sale.

A job is committed first, then a worker thread sends it with a short timeout; a failure is retried a few
times, then the job stays failed with its reason until someone reprints.
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
from pos_loyalty.runtime import runtime
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.sales import get_sale
from pos_loyalty.services.transaction import after_commit, transaction

log = logging.getLogger(__name__)
RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30))  # then the job is failed
SEND_TIMEOUT = 3.0


def printer_for(till: Till) -> str:
    return till.printer_url or current_app.config.get("PRINTER_URL") or "none"


def queue_receipt(actor: Actor, sale_id: int) -> PrintJob:
    """Print (or reprint) a sale's receipt on its till's printer."""
    with transaction():
        sale = get_sale(sale_id)
        till = db.session.get(Till, sale.till_id)
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


def jobs_of_sale(sale_id: int) -> list[PrintJob]:
    get_sale(sale_id)
    return list(db.session.scalars(select(PrintJob).where(PrintJob.sale_id == sale_id).order_by(PrintJob.id)))


def send_due_jobs(limit: int = 20) -> int:
    """Send every job that is due; returns how many were tried. Called by the worker, or by tests."""
    from pos_loyalty.printing.transports import PrintFailed, send
    from pos_loyalty.services.receipts import render_receipt

    now = runtime().now()
    with transaction():
        jobs = list(db.session.scalars(select(PrintJob).where(PrintJob.status == "queued",
                                                              PrintJob.next_attempt_at <= now)
                                       .order_by(PrintJob.id).limit(limit)))
        for job in jobs:
            job.status = "printing"
    for job in jobs:
        try:
            data, _ = render_receipt(None, job.sale_id, "escpos", job.width)
            send(job.printer_url, data, timeout=current_app.config.get("PRINT_TIMEOUT", SEND_TIMEOUT))
            error = None
        except PrintFailed as failure:
            error = str(failure)
        except Exception as failure:  # a bad layout or printer setting must not kill the worker
            log.exception("print job %s", job.id)
            error = f"Could not print: {failure}"
        with transaction():
            job = db.session.get(PrintJob, job.id)
            job.attempts += 1
            finished = runtime().now()
            if error is None:
                job.status, job.error, job.finished_at = "printed", "", finished
            elif job.attempts <= len(RETRY_DELAYS):
                job.status, job.error = "queued", error[:250]
                job.next_attempt_at = finished + RETRY_DELAYS[job.attempts - 1]
            else:
                job.status, job.error, job.finished_at = "failed", error[:250], finished
    return len(jobs)


class PrintWorker:
    """One daemon thread per app process; woken when a job is queued, else looks for retries each second."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name="pos-loyalty-printer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            self.wake.wait(timeout=1.0)
            self.wake.clear()
            try:
                with self.app.app_context():
                    while send_due_jobs():
                        pass
                    db.session.remove()
            except Exception:
                log.exception("print worker")


_workers: dict[int, PrintWorker] = {}
_workers_lock = threading.Lock()


def wake_worker(app: Flask) -> None:
    if app.config.get("PRINT_WORKER", "thread") != "thread":
        return  # tests send jobs themselves with send_due_jobs()
    with _workers_lock:
        worker = _workers.get(id(app))
        if worker is None:
            worker = _workers[id(app)] = PrintWorker(app)
    worker.wake.set()


def queue_paid_sale_receipt(sale_id: int, till_id: int) -> PrintJob | None:
    """A paid sale's receipt, queued in the payment's transaction when its till has a printer.

    Nothing here can fail the sale: it reads a till the payment already loaded and adds one row.
    """
    till = db.session.get(Till, till_id)
    if till is None or printer_for(till) == "none":
        return None
    return queue_receipt(Actor("automatic", "till", till.salon_id, till.id), sale_id)
