"""GET/PATCH /api/v1/program, GET/POST/PATCH/DELETE /api/v1/rules."""
from __future__ import annotations

from flask_smorest import Blueprint

from pos_loyalty.core.errors import Invalid
from pos_loyalty.runtime import runtime
from pos_loyalty.services import program as program_service
from pos_loyalty.services import preview as preview_service
from pos_loyalty.services.context import current_program

from .auth import current_actor, requires
from .idempotency import idempotent
from pos_loyalty.schemas.bodies import ProgramSchema, RuleInSchema, RuleOutSchema, RulePatchSchema
from pos_loyalty.schemas.preview import PreviewInSchema, PreviewOutSchema
from pos_loyalty.schemas.rules import validate_rule_params

bp = Blueprint("program", __name__, url_prefix="/api/v1", description="The loyalty program and its earning rules")


@bp.route("/program", methods=["GET"])
@requires("till")
@bp.response(200, ProgramSchema)
def read_program():
    return current_program()


@bp.route("/program", methods=["PATCH"])
@idempotent
@requires("manager")
@bp.arguments(ProgramSchema(partial=True))
@bp.response(200, ProgramSchema)
def patch_program(changes):
    """Change any subset of the program's fields; a change makes a new version (future sales only)."""
    return program_service.update_program(current_actor(), changes)


@bp.route("/program/preview", methods=["POST"])
@requires("manager")
@bp.arguments(PreviewInSchema)
@bp.response(200, PreviewOutSchema)
def preview_program(data):
    """What if: the last 3, 6 or 12 months of sales priced with a change; nothing is saved.

    `changes`: any PATCH /program fields, and `rules`: the complete list of earning rules to use instead of
    today's (each as POST /rules takes it). The answer: the period's paid sales with a client, the automatic
    points they earned and would earn with the changes, and the clients able to take a reward now and with
    the changes. It changes nothing, so it takes no Idempotency-Key (a stored answer would be a write)."""
    return preview_service.preview(current_actor(), data["changes"], data["months"])


def _rule_out(rule) -> dict:
    kind = runtime().earning_rules.rule_kinds().get(rule.kind)
    describe = getattr(kind, "describe", None)
    return {"id": rule.id, "kind": rule.kind, "active": rule.active, "params": rule.params,
            "description": describe(rule.params) if callable(describe) else rule.kind}


@bp.route("/rules", methods=["GET"])
@requires("manager")
@bp.response(200, RuleOutSchema(many=True))
def list_rules():
    return [_rule_out(rule) for rule in program_service.list_rules()]


@bp.route("/rules", methods=["POST"])
@idempotent
@requires("manager")
@bp.arguments(RuleInSchema)
@bp.response(201, RuleOutSchema)
def create_rule(data):
    kind, active = data.pop("kind"), data.pop("active", True)
    params = validate_rule_params(kind, data)
    return _rule_out(program_service.create_rule(current_actor(), kind, params, active))


@bp.route("/rules/<int:rule_id>", methods=["GET"])
@requires("manager")
@bp.response(200, RuleOutSchema)
def read_rule(rule_id):
    return _rule_out(program_service.get_rule(rule_id))


@bp.route("/rules/<int:rule_id>", methods=["PATCH"])
@idempotent
@requires("manager")
@bp.arguments(RulePatchSchema)
@bp.response(200, RuleOutSchema)
def patch_rule(data, rule_id):
    rule = program_service.get_rule(rule_id)
    active = data.pop("active", None)
    if "kind" in data and data.pop("kind") != rule.kind:
        raise Invalid("A rule's kind cannot change: delete it and create another.", code="validation_error",
                      details={"kind": ["Cannot change."]})
    params = validate_rule_params(rule.kind, {**rule.params, **data}) if data else {}
    return _rule_out(program_service.update_rule(current_actor(), rule_id, params, active))


@bp.route("/rules/<int:rule_id>", methods=["DELETE"])
@idempotent
@requires("manager")
@bp.response(204)
def delete_rule(rule_id):
    program_service.delete_rule(current_actor(), rule_id)
