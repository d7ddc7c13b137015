"""The outbox's filters (the API's query and the page's GET form, refused alike) and a mail as the API shows it."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from pos_loyalty.services.mail_admin import STATUSES


class OutboxQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    page = fields.Integer(strict=False, validate=validate.Range(1, 1_000_000))


class OutboxMailSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "reward_unlocked, reward_within_reach, points_expiring or "
                                                  "referral_thanks"})
    client_id = fields.Integer(allow_none=True)
    to = fields.String(attribute="to_address", metadata={"description": "empty once the client is erased"})
    locale = fields.String()
    subject = fields.String()
    status = fields.String(metadata={"description": "waiting, sending, sent or failed"})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True, metadata={"description": "why the last attempt failed"})
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)


class OutboxPageSchema(Schema):
    items = fields.List(fields.Nested(OutboxMailSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    page = fields.Integer()
    pages = fields.Integer()
    mail_enabled = fields.Boolean(metadata={"description": "false: POS_LOYALTY_SMTP_URL is not set, no mail is written"})
