"""POST /program/preview: the what-if of a change to the programme or its rules (marshmallow 4).

`changes` takes the fields PATCH /program takes, checked by the same ProgramSchema, and `rules`: the complete
list of earning rules to use instead of today's, each a body as POST /rules takes it, checked by its kind's
own schema. The panel's preview buttons load their forms with these same schemas.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from pos_loyalty.core.errors import Invalid
from pos_loyalty.schemas.bodies import ProgramSchema, RuleInSchema, Strict
from pos_loyalty.schemas.rules import validate_rule_params
from pos_loyalty.translatable import N_

MONTHS = (3, 6, 12)
MAX_RULES = 200


class RuleBody(fields.Nested):
    """One rule as POST /rules takes it: `kind`, `active` and the kind's own fields, checked by the kind's
    schema (documented as RuleIn: one of the kinds). Loads as {"kind", "active", **the fields as stored}."""

    def __init__(self, **kwargs):
        super().__init__(RuleInSchema, **kwargs)

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError(N_("A rule is an object: its kind and the kind's fields."))
        head = {name: value[name] for name in ("kind", "active") if name in value}
        try:
            head = RuleInSchema().load(head)
        except ValidationError as error:
            raise ValidationError(error.normalized_messages()) from None
        params = {name: item for name, item in value.items() if name not in ("kind", "active")}
        try:
            params = validate_rule_params(head["kind"], params)
        except Invalid as refused:
            raise ValidationError(refused.details) from None
        return {"kind": head["kind"], "active": head["active"], **params}


class PreviewChangesSchema(ProgramSchema):
    """Any PATCH /program fields, and the rules to use instead of today's."""

    rules = fields.List(RuleBody(), validate=validate.Length(max=MAX_RULES),
                        metadata={"description": "The complete list of earning rules to preview instead of"
                                                 " today's (an empty list: no rules)."})

    def refuses_empty(self) -> bool:
        return True


class PreviewInSchema(Strict):
    changes = fields.Nested(PreviewChangesSchema(partial=True), required=True)
    months = fields.Integer(required=True, strict=True, validate=validate.OneOf(MONTHS, error=N_("One of: 3, 6, 12.")))


class PreviewOutSchema(Schema):
    sales = fields.Integer(metadata={"description": "the period's paid sales with a client"})
    points_actual = fields.Integer(metadata={"description": "the automatic points those sales earned"})
    points_with_changes = fields.Integer(metadata={"description": "what they would earn with the changes"})
    clients_reaching_a_reward_now = fields.Integer()
    clients_reaching_a_reward_with_changes = fields.Integer()

