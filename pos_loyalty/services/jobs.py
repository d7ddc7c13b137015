"""Background jobs a manager starts from the pages: the recalculation of a period, the reset of the automatic
points. A job is a row (models/jobs.py BackgroundJob) and a daemon thread of the server's process running
inside the application's context; the page polls the row (done / total after every batch, then the result).

One job of a kind at a time per salon: a second start while one is queued or running is refused
(`job_running`). A job whose process is gone (the server restarted, or crashed) shows as failed as soon as
anyone looks (`refresh`): its row says which process ran it (host and pid) and when it last told its
progress; a job of a dead process of this host, or silent for STALE_SECONDS on another host, is failed.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time as timer
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from pos_loyalty.core.errors import Conflict, Forbidden, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import BackgroundJob, Salon
from pos_loyalty.runtime import runtime
from pos_loyalty.services import recalculation
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.transaction import transaction
from pos_loyalty.translatable import N_

log = logging.getLogger(__name__)
KINDS = ("recalculate", "reset_points")
ACTIVE = ("queued", "running")
STALE_SECONDS = 120  # a job of another host that said nothing for this long is taken as interrupted
HOST = socket.gethostname()[:60]
INTERRUPTED = N_("Interrupted: the server stopped while the job ran. Start it again.")
_threads: dict[int, threading.Thread] = {}


def start(actor: Actor, kind: str, parameters: dict | None = None) -> BackgroundJob:
    """Start a job of `kind` for the actor's salon; refused while one of the same kind runs there."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can start a recalculation or a reset.")
    if kind not in KINDS:
        raise NotFound(f"No job of the kind {kind!r}.", code="job_kind_not_found")
    parameters = dict(parameters or {})
    if kind == "recalculate" and parameters.get("period") not in recalculation.PERIODS:
        raise ValueError("a recalculation needs a period")
    with transaction():
        # The salon's row locked: two managers starting at once start one job.
        db.session.scalars(select(Salon).where(Salon.id == actor.salon_id).with_for_update()).one()
        for job in db.session.scalars(select(BackgroundJob).where(
                BackgroundJob.salon_id == actor.salon_id, BackgroundJob.kind == kind,
                BackgroundJob.status.in_(ACTIVE))):
            if not _interrupted(job):
                raise Conflict(f"A {kind.replace('_', ' ')} is running already (started by {job.created_by});"
                               " wait for it to finish.", code="job_running", details={"job": job.id})
        job = BackgroundJob(salon_id=actor.salon_id, kind=kind, status="queued",
                            parameters={**parameters, "host": HOST, "pid": os.getpid(), "beat": timer.time()},
                            done=0, total=0, created_by=actor.name[:80], created_at=runtime().now())
        db.session.add(job)
        db.session.flush()
        job_id = job.id
        app = current_app._get_current_object()
        # Known before the row is committed: a look in between sees a job about to start, not a lost one.
        thread = _threads[job_id] = threading.Thread(target=_run, args=(app, job_id, actor), name=f"job-{job_id}",
                                                     daemon=True)
    thread.start()
    return job


def get_job(actor: Actor, job_id: int) -> BackgroundJob:
    """The salon's job, failed first if its process is gone (another salon's is a 404)."""
    with transaction():
        job = db.session.get(BackgroundJob, job_id)
        if job is None or job.salon_id != actor.salon_id:
            raise NotFound(f"Job {job_id} does not exist.", code="job_not_found")
        refresh(job)
        return job


def recent_jobs(actor: Actor, limit: int = 5) -> list[BackgroundJob]:
    with transaction():
        jobs = list(db.session.scalars(select(BackgroundJob).where(BackgroundJob.salon_id == actor.salon_id)
                                       .order_by(BackgroundJob.id.desc()).limit(limit)))
        for job in jobs:
            refresh(job)
        return jobs


def refresh(job: BackgroundJob) -> None:
    """Inside a transaction: a queued or running job whose process is gone becomes failed."""
    if job.status in ACTIVE and _interrupted(job):
        job.status, job.error, job.finished_at = "failed", INTERRUPTED, runtime().now()


def _interrupted(job: BackgroundJob) -> bool:
    facts = job.parameters or {}
    if facts.get("host") == HOST:
        if facts.get("pid") == os.getpid():
            thread = _threads.get(job.id)
            if thread is not None and (thread.ident is None or thread.is_alive()):  # about to start, or running
                return False
            db.session.refresh(job)  # the thread ended: it wrote its end, unless it was never ours
            return job.status in ACTIVE
        return not _alive(facts.get("pid"))
    return timer.time() - float(facts.get("beat") or 0) > STALE_SECONDS


def _alive(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait(job_id: int, timeout: float = 60) -> bool:
    """Until this process's job thread ends (tests, the command line); False if it is still running."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def _run(app, job_id: int, actor: Actor) -> None:
    with app.app_context():
        try:
            with transaction():
                job = db.session.get(BackgroundJob, job_id)
                job.status, job.started_at = "running", runtime().now()
                kind, parameters = job.kind, dict(job.parameters or {})
            outcome = _work(kind, parameters, actor, _progress_writer(job_id))
            with transaction():
                job = db.session.get(BackgroundJob, job_id)
                job.status, job.finished_at, job.result = "done", runtime().now(), outcome
                job.done = max(job.done, job.total)
        except Exception as error:  # the job fails, the server goes on
            log.exception("background job %s failed", job_id)
            db.session.rollback()
            with transaction():
                job = db.session.get(BackgroundJob, job_id)
                job.status, job.finished_at = "failed", runtime().now()
                job.error = f"{type(error).__name__}: {error}"[:500]
        finally:
            db.session.remove()


def _work(kind: str, parameters: dict, actor: Actor, progress: Callable[[int, int | None], None]) -> dict:
    salon_id = actor.salon_id
    if kind == "recalculate":
        with transaction():
            start = recalculation.period_start(parameters["period"], salon_id)
            total = recalculation.count_sales(start, salon_id)
        progress(0, total)
        outcome = recalculation.recalculate_history(start, salon_id=salon_id, actor=actor,
                                                    progress=lambda n: progress(n, None),
                                                    audit_object=f"period {parameters['period']}")
    else:
        with transaction():
            total = recalculation.count_sales(salon_id=salon_id, reset=True)
        progress(0, total)
        outcome = recalculation.reset_points(salon_id, progress=lambda n: progress(n, None), actor=actor)
    return outcome.as_dict()


def _progress_writer(job_id: int) -> Callable[[int, int | None], None]:
    def progress(handled: int, total: int | None) -> None:
        with transaction():
            job = db.session.get(BackgroundJob, job_id)
            if total is not None:
                job.total = total
            job.done = min(job.done + handled, job.total) if job.total else job.done + handled
            job.parameters = {**(job.parameters or {}), "beat": timer.time()}
    return progress


def duration(job: BackgroundJob) -> float | None:
    """Seconds the job ran (its own measure when done)."""
    if job.result and "seconds" in job.result:
        return float(job.result["seconds"])
    if job.started_at and job.finished_at:
        return (job.finished_at - job.started_at).total_seconds()
    return None


def started_at(job: BackgroundJob) -> datetime:
    return job.started_at or job.created_at
