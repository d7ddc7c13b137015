"""The program's versions and the audit trail, as the API answers them."""
from marshmallow import Schema, fields, validate

from pos_loyalty.schemas.fields import Text


class VersionSchema(Schema):
    version = fields.Integer()
    changed_at = fields.AwareDateTime()
    changed_by = fields.String()
    change = fields.String()
    changes = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw(allow_none=True)))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    staff = fields.String()
    channel = fields.String()
    action = fields.String()
    object = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    next = fields.String(allow_none=True)


class AuditQuerySchema(Schema):
    """The audit trail's filters: the API's query and the audit page's GET form, refused alike."""

    staff = Text(validate=validate.Length(max=80))
    action = Text(validate=validate.Length(max=40))
    q = Text(validate=validate.Length(max=80))
    on = fields.Date()
    cursor = Text(validate=validate.Length(max=40))
