"""/manage/history: past sales imported from a CSV file, the automatic points recalculated over a period by
today's rules, or reset: the command line's import-sales, recalculate and reset-points, from the back office.

The upload runs the command's own checks (services/sales_import.py) and answers with every bad row by its
line number; nothing is imported unless all rows are good or "skip bad rows" is ticked. A file may be as
large as the IMPORT_MAX_BYTES setting (50 MiB by default; the rest of the panel keeps MAX_CONTENT_LENGTH):
the upload is spooled to disk by Werkzeug and read as a stream. The recalculation and the reset run in the
background (services/jobs.py): the page polls the job's fragment every 500 ms (htmx) while it runs, a
progress bar, then the result. They work on this salon's sales.
"""
from __future__ import annotations

from babel.numbers import format_decimal
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.context import number_locale
from pos_loyalty.panel.forms import FormErrors, domain_errors, load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page
from pos_loyalty.schemas.history_tools import RESET_WORD, ImportFormSchema, RecalculateFormSchema, ResetFormSchema
from pos_loyalty.services import jobs as job_service
from pos_loyalty.services.sales_import import import_sales_file

IMPORT_MAX_BYTES = 50 * 1024 * 1024
ERRORS_SHOWN = 500  # bad rows listed on the page (the count says how many there are in all)


@bp.record_once
def _allow_large_uploads(state) -> None:
    """Before anything reads the form (the CSRF check does, first): the upload route's own size limit."""
    app = state.app

    def raise_limit():
        if request.endpoint == "manage.history_import":
            request.max_content_length = app.config.get("IMPORT_MAX_BYTES", IMPORT_MAX_BYTES)

    app.before_request_funcs.setdefault(None, []).insert(0, raise_limit)


def periods() -> list[tuple[str, str]]:
    return [("3m", _("The last 3 months")), ("6m", _("The last 6 months")), ("12m", _("The last 12 months")),
            ("all", _("All the history"))]


def kind_words(kind: str) -> str:
    return {"recalculate": _("Recalculation"), "reset_points": _("Reset of the automatic points")}.get(kind, kind)


def period_words(period: str | None) -> str:
    return dict(periods()).get(period or "", "")


def number(value) -> str:
    return format_decimal(value or 0, locale=number_locale())


def page_context(**extra) -> dict:
    actor = acting_manager()
    recent = job_service.recent_jobs(actor)
    return {"periods": periods(), "recent_jobs": recent, "job_words": job_words, "number": number,
            "reset_word": RESET_WORD, "max_megabytes": current_app.config.get("IMPORT_MAX_BYTES",
                                                                              IMPORT_MAX_BYTES) // (1024 * 1024),
            "errors": {}, "report": None, "shown_job": None, **extra}


def job_words(job) -> dict:
    """What the fragment says of a job."""
    return {"kind": kind_words(job.kind), "period": period_words((job.parameters or {}).get("period")),
            "seconds": job_service.duration(job)}


@bp.route("/history", methods=["GET"])
@manager_page
def history():
    context = page_context()
    shown = request.args.get("job", type=int)
    if shown:
        try:
            context["shown_job"] = job_service.get_job(acting_manager(), shown)
        except DomainError:
            context["shown_job"] = None
    return render_template("manage/history_tools.html", **context)


@bp.route("/history/jobs/<int:job_id>", methods=["GET"])
@manager_page
def history_job(job_id: int):
    """The job's fragment: polled while it runs (htmx), its result once done."""
    job = job_service.get_job(acting_manager(), job_id)  # another salon's: 404
    return render_template("manage/_history_job.html", job=job, job_words=job_words, number=number)


@bp.route("/history/import", methods=["POST"])
@manager_page
def history_import():
    errors: dict = {}
    try:
        options = load_form(ImportFormSchema(), request.form)
    except FormErrors as refused:
        return render_template("manage/history_tools.html", **page_context(errors=refused.errors)), 422
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        errors["file"] = [_("Choose a CSV file of past sales.")]
        return render_template("manage/history_tools.html", **page_context(errors=errors)), 422
    try:
        report = import_sales_file(acting_manager(), upload.stream, skip_bad=options["skip_bad"])
    except DomainError as error:
        return render_template("manage/history_tools.html",
                               **page_context(errors=domain_errors(error).errors)), 422
    return render_template("manage/history_tools.html", **page_context(report=report, errors_shown=ERRORS_SHOWN,
                                                                       filename=upload.filename)), \
        (200 if report.imported else 422)


@bp.route("/history/recalculate", methods=["POST"])
@manager_page
def history_recalculate():
    return _start("recalculate", RecalculateFormSchema())


@bp.route("/history/reset", methods=["POST"])
@manager_page
def history_reset():
    return _start("reset_points", ResetFormSchema())


def _start(kind: str, schema):
    try:
        data = load_form(schema, request.form)
        parameters = {"period": data["period"]} if kind == "recalculate" else {}
        job = job_service.start(acting_manager(), kind, parameters)
    except FormErrors as refused:
        return render_template("manage/history_tools.html", **page_context(errors=refused.errors, failed=kind)), 422
    except DomainError as error:
        if error.code == "job_running":
            flash(_("A %(job)s is running already: wait for it to finish before starting another.",
                    job=kind_words(kind).lower()), "error")
            return render_template("manage/history_tools.html", **page_context(failed=kind)), 409
        raise
    return redirect(url_for("manage.history", job=job.id, _anchor=f"job-{job.id}"), 303)
