"""POST /manage/preview: "what if?" from the programme page's form or a rule's form, without saving.

The page's buttons "What if? last 3 / 6 / 12 months" post its form here (templates/manage/_preview_button.html);
the form is checked by the very function the save checks it with (the API's schemas), so a wrong value is
refused by its field as a save would refuse it; then services/preview.py prices the period's sales with the
change, and the page comes back with what was typed and the figures under the form
(templates/manage/_preview_result.html). Nothing is saved.

A rule's form says its kind, and the rule it edits (`rule_id`), in the form or in the button's address;
the rules previewed are today's with that one replaced, or added.
"""
from __future__ import annotations

from babel.numbers import format_decimal, format_percent
from flask import abort, flash, render_template, request
from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError, NotFound
from pos_loyalty.panel.context import number_locale
from pos_loyalty.panel.forms import FormErrors, domain_errors, load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage import program as program_page
from pos_loyalty.panel.manage import rules as rules_page
from pos_loyalty.panel.manage.page import acting_manager, manager_page
from pos_loyalty.schemas.bodies import ProgramSchema
from pos_loyalty.schemas.preview import PreviewInSchema
from pos_loyalty.services import preview as preview_service
from pos_loyalty.services import program as program_service
from pos_loyalty.runtime import runtime


@bp.route("/preview", methods=["POST"])
@manager_page
def preview():
    kind = request.values.get("kind")
    if kind:
        return _rule_preview(kind, _rule_id())
    return _shown("manage/program.html", _program_changes, program_page.page_context)


def _rule_id() -> int | None:
    raw = request.values.get("rule_id", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    return int(raw)


def _program_changes() -> dict:
    """The programme page's fields, as its save loads them."""
    return load_form(ProgramSchema(partial=("currency",)), request.form, program_page.PAGE_FIELDS)


def _rule_preview(kind: str, rule_id: int | None):
    try:
        context = {"rule_form": rules_page.form_context(kind=kind, rule_id=rule_id)}  # an unknown kind: 404
    except NotFound:
        abort(404)
    kind = context["rule_form"]["kind"]  # an existing rule's own kind

    def changes() -> dict:
        params, active = rules_page.posted_rule(kind)  # the save's own check
        posted = {"kind": kind, "active": active, **params}
        declared = runtime().earning_rules.rule_kinds()
        rules = [posted if rule.id == rule_id else {"kind": rule.kind, "active": rule.active, **rule.params}
                 for rule in program_service.list_rules() if rule.id == rule_id or rule.kind in declared]
        if rule_id is None:
            rules.append(posted)
        return {"rules": rules}

    return _shown("manage/rules_form.html", changes, lambda: context, duplicate_field=rules_page.UNIQUE_FIELD.get(kind))


def _shown(template: str, changes_of, context_of, duplicate_field: str | None = None):
    """The page again, with what was typed, and the figures or the errors by field (422: nothing priced).
    `duplicate_field`: where a second rule for the same service or category is refused, as the save does."""
    try:
        months = load_form(PreviewInSchema(only=("months",)), request.form, ["months"])["months"]
        figures = preview_service.preview(acting_manager(), changes_of(), months)
    except FormErrors as refused:
        errors = refused.errors
    except DomainError as error:
        if error.status == 404:
            raise
        if error.code == "rule_exists" and duplicate_field:
            errors = {duplicate_field: [
                _("There is a rule for this one already: edit that rule rather than adding another.")]}
        else:
            errors = domain_errors(error).errors
    else:
        return render_template(template, errors={}, preview=figures_in_words(figures, months), **context_of())
    for name in ("_schema", "months"):  # not a field of the page: said above it
        for message in errors.pop(name, []):
            flash(message, "error")
    return render_template(template, errors=errors, **context_of()), 422


def figures_in_words(figures: dict, months: int) -> dict:
    """The figures as the panel's language writes numbers ("1 234" in French, "1,234" in English), the change
    in percent when it has one."""
    locale = number_locale()

    def number(value: int) -> str:
        return format_decimal(value, locale=locale)

    actual, changed = figures["points_actual"], figures["points_with_changes"]
    percent = None
    if actual:
        share = (changed - actual) / actual
        percent = ("+" if share >= 0 else "\u2212") + format_percent(abs(share), locale=locale)
    return {"months": months, "sales": number(figures["sales"]), "sales_count": figures["sales"],
            "points_actual": number(actual), "points_with_changes": number(changed), "percent": percent,
            "clients_now": number(figures["clients_reaching_a_reward_now"]),
            "clients_with_changes": number(figures["clients_reaching_a_reward_with_changes"])}
