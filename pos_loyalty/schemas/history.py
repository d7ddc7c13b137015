"""The program's versions and the audit trail, as the API answers them."""
from marshmallow import Schema, fields, validate


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
    staff = fields.String(validate=validate.Length(max=80))
    action = fields.String(validate=validate.Length(max=40))
    q = fields.String(validate=validate.Length(max=80))
    on = fields.Date()
    cursor = fields.String(validate=validate.Length(max=40))
