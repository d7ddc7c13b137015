"""/manage/rules: the earning rules as sentences; create, edit, pause and delete rules of every kind.

Service, category and multiplier rules have forms of their own (a catalogue service to choose, a weekday
picker); the kinds plugins add get a form generated from their schema (rule_fields.py). Whatever the kind,
what is posted is checked by the kind's schema through schemas/rules.py, the very check of POST/PATCH
/api/v1/rules, and every save is one new programme version (services/program.py).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from pos_loyalty.core.errors import DomainError, Invalid, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import CatalogueCategory, CatalogueItem
from pos_loyalty.panel.context import current_salon
from pos_loyalty.panel.forms import FormErrors, field_errors, form_payload, load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.change_words import describe
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.panel.manage.rule_fields import form_fields, shown, spread_lists
from pos_loyalty.panel.manage.sentences import category_name, rule_sentence, weekday_names
from pos_loyalty.runtime import runtime
from pos_loyalty.schemas.bodies import RulePatchSchema
from pos_loyalty.schemas.rules import rule_kind, validate_rule_params
from pos_loyalty.services import program as program_service
from pos_loyalty.services.context import current_program
from pos_loyalty.services.program import rule_as_dict

BUILT_IN = ("service", "category", "multiplier")
# The field a duplicate rule is refused by (services/program.py: one rule per service code, per category).
UNIQUE_FIELD = {"service": "service_code", "category": "category"}


def kind_names() -> list[str]:
    """The kinds the manager can add: ours first, then the plugins' in name order."""
    declared = runtime().earning_rules.rule_kinds()
    return [k for k in BUILT_IN if k in declared] + sorted(k for k in declared if k not in BUILT_IN)


def kind_title(kind: str) -> str:
    titles = {"service": _("Points for a service"), "category": _("Points for a category"),
              "multiplier": _("Promotions (multipliers)"), "visit": _("Points per visit (stamp card)")}
    return titles.get(kind) or _(kind.replace("_", " ").capitalize())


def add_label(kind: str) -> str:
    labels = {"service": _("Add points for a service"), "category": _("Add points for a category"),
              "multiplier": _("Add a promotion"), "visit": _("Add points per visit")}
    return labels.get(kind) or _("Add a rule: %(kind)s", kind=_(kind.replace("_", " ")))


def _known_kind(kind: str):
    try:
        return rule_kind(kind)
    except Invalid:
        abort(404)


# --- what the forms choose from --------------------------------------------------------------------------
def service_options(current: str | None = None) -> list[tuple[str, str]]:
    """The salon's services ("Portrait studio (PORTRAIT)"), and the rule's own code if no longer among them."""
    salon = current_salon()
    items = db.session.scalars(select(CatalogueItem).where(
        CatalogueItem.salon_id == salon.id, CatalogueItem.kind == "service", CatalogueItem.active.is_(True))
        .order_by(CatalogueItem.name)) if salon else []
    options = [(item.code, f"{item.name} ({item.code})") for item in items]
    if current and current.upper() not in {code.upper() for code, _label in options}:
        options.append((current, _("%(code)s (not in the catalogue)", code=current)))
    return options


def category_options(current: str | None = None) -> list[tuple[str, str]]:
    """The catalogue's categories by their display names ("Couleur"), the code lower-case as lines carry it."""
    salon = current_salon()
    codes: set[str] = set()
    if salon:
        codes |= {c.lower() for c in db.session.scalars(
            select(CatalogueCategory.code).where(CatalogueCategory.salon_id == salon.id)) if c}
        codes |= {c.lower() for c in db.session.scalars(
            select(CatalogueItem.category).where(CatalogueItem.salon_id == salon.id).distinct()) if c}
    if current:
        codes.add(current.lower())
    return sorted(((code, category_name(code)) for code in codes), key=lambda option: option[1].lower())


# --- pages -----------------------------------------------------------------------------------------------
def list_context() -> dict:
    rules = program_service.list_rules()
    groups = [{"kind": kind, "title": kind_title(kind), "add": add_label(kind),
               "rules": [{"id": r.id, "active": r.active, "sentence": rule_sentence(r.kind, r.params)}
                         for r in rules if r.kind == kind]}
              for kind in kind_names()]
    # A rule whose plugin is gone still shows, so it can be deleted.
    orphans = [r for r in rules if r.kind not in kind_names()]
    if orphans:
        groups.append({"kind": None, "title": _("Rules of a plugin no longer installed"), "add": None,
                       "rules": [{"id": r.id, "active": r.active, "sentence": r.kind} for r in orphans]})
    return {"groups": groups, "version": current_program()}


def form_context(kind: str | None = None, rule_id: int | None = None) -> dict:
    rule = program_service.get_rule(rule_id) if rule_id is not None else None
    kind = rule.kind if rule is not None else kind
    schema = _known_kind(kind).schema()
    fields = form_fields(schema)
    widgets = {f.name: f.widget for f in fields}
    stored = dict(rule.params) if rule is not None else {}
    values = {name: shown(stored.get(name), widgets.get(name, "text")) for name in widgets}
    return {
        "kind": kind, "title": kind_title(kind), "rule": rule, "fields": fields, "current": values,
        "active": rule.active if rule is not None else True,
        "sentence": rule_sentence(rule.kind, rule.params) if rule is not None else None,
        "services": service_options(stored.get("service_code")) if kind == "service" else [],
        "categories": category_options(stored.get("category")) if kind == "category" else [],
        "weekdays": weekday_names(), "stored_weekdays": [str(d) for d in stored.get("weekdays") or []],
        "action": (url_for("manage.rules_update", rule_id=rule.id) if rule is not None
                   else url_for("manage.rules_create", kind=kind)),
    }


@bp.route("/rules", methods=["GET"])
@manager_page
def rules():
    return render_template("manage/rules.html", errors={}, **list_context())


@bp.route("/rules/new/<kind>", methods=["GET"])
@manager_page
def rules_new(kind):
    return render_template("manage/rules_form.html", errors={}, rule_form=form_context(kind=kind))


@bp.route("/rules/<int:rule_id>", methods=["GET"])
@manager_page
def rules_edit(rule_id):
    return render_template("manage/rules_form.html", errors={}, rule_form=_rule_form(rule_id))


def _rule_form(rule_id: int) -> dict:
    try:
        return form_context(rule_id=rule_id)
    except NotFound:
        abort(404)


# --- saves -----------------------------------------------------------------------------------------------
def posted_rule(kind: str) -> tuple[dict, bool]:
    """The form's params, checked by the kind's schema (as POST /rules checks them), and its switch."""
    schema = _known_kind(kind).schema()
    names = [f.name for f in form_fields(schema)]
    payload = form_payload(schema, spread_lists(schema, request.form), names)
    errors: dict[str, list[str]] = {}
    params: dict = {}
    try:
        params = validate_rule_params(kind, payload)
    except Invalid as refused:
        errors = field_errors(refused.details)
    active = True  # a form without the switch adds a rule in force, as POST /rules does
    if "active" in request.form:
        try:
            active = load_form(RulePatchSchema(), request.form, ["active"])["active"]
        except FormErrors as refused:
            errors.update(refused.errors)
    if errors:
        raise FormErrors(errors)
    return params, active


def _refused_duplicate(kind: str, error: DomainError):
    """A second rule for the same service or category, said by the field that names it."""
    if error.code == "rule_exists" and kind in UNIQUE_FIELD:
        raise FormErrors({UNIQUE_FIELD[kind]: [
            _("There is a rule for this one already: edit that rule rather than adding another.")]}) from None
    raise error


def _saved(words: str) -> None:
    flash(_("Saved as version %(version)s: %(changes)s", version=current_program().version, changes=words), "ok")


@bp.route("/rules/new/<kind>", methods=["POST"])
@manager_page
@saving("manage/rules_form.html", rule_form=lambda kind: form_context(kind=kind))
def rules_create(kind):
    params, active = posted_rule(kind)
    try:
        rule = program_service.create_rule(acting_manager(), kind, params, active)
    except DomainError as error:
        _refused_duplicate(kind, error)
    _saved(describe(f"rule {rule.id}", None, rule_as_dict(rule)))
    return redirect(url_for("manage.rules"))


@bp.route("/rules/<int:rule_id>", methods=["POST"])
@manager_page
@saving("manage/rules_form.html", rule_form=lambda rule_id: _rule_form(rule_id))
def rules_update(rule_id):
    rule = _existing(rule_id)
    params, active = posted_rule(rule.kind)
    before = rule_as_dict(rule)
    params_change = any(rule.params.get(name) != value for name, value in params.items())
    if not params_change and active == rule.active:
        flash(_("Nothing changed."), "info")
        return redirect(url_for("manage.rules"))
    try:
        rule = program_service.update_rule(acting_manager(), rule_id, params if params_change else {}, active)
    except DomainError as error:
        _refused_duplicate(rule.kind, error)
    _saved(change_words(before, rule_as_dict(rule)))
    return redirect(url_for("manage.rules"))


@bp.route("/rules/<int:rule_id>/active", methods=["POST"])
@manager_page
def rules_active(rule_id):
    """Pause or resume from the list: one switch, one version."""
    rule = _existing(rule_id)
    active = request.form.get("active") == "true"
    if active == rule.active:
        flash(_("Nothing changed."), "info")
        return redirect(url_for("manage.rules"))
    before = rule_as_dict(rule)
    rule = program_service.update_rule(acting_manager(), rule_id, {}, active)
    _saved(change_words(before, rule_as_dict(rule)))
    return redirect(url_for("manage.rules"))


@bp.route("/rules/<int:rule_id>/delete", methods=["POST"])
@manager_page
def rules_delete(rule_id):
    rule = _existing(rule_id)
    before = rule_as_dict(rule)
    program_service.delete_rule(acting_manager(), rule_id)
    _saved(describe(f"rule {rule_id}", before, None))
    return redirect(url_for("manage.rules"))


def _existing(rule_id: int):
    try:
        return program_service.get_rule(rule_id)
    except NotFound:
        abort(404)


def change_words(before: dict, after: dict) -> str:
    """"Rule paused: …", "Rule resumed: …", "Rule changed: … → …" (the sentences without their state)."""
    def words(fields: dict) -> str:
        return rule_sentence(fields["kind"], {k: v for k, v in fields.items() if k not in ("id", "kind", "active")})

    same_params = {k: v for k, v in before.items() if k != "active"} == {k: v for k, v in after.items() if k != "active"}
    if same_params:
        return (_("Rule resumed: %(rule)s", rule=words(after)) if after["active"]
                else _("Rule paused: %(rule)s", rule=words(after)))
    changed = _("Rule changed: %(before)s → %(after)s", before=words(before), after=words(after))
    if before["active"] != after["active"]:
        changed += " " + (_("(resumed)") if after["active"] else _("(paused)"))
    return changed
