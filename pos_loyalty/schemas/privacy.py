"""A person's data export and erasure, as the API answers them (services/privacy.py builds them)."""
from marshmallow import Schema, fields, validate

from pos_loyalty.schemas.bodies import Strict
from pos_loyalty.schemas.fields import Text


class PrivacyExportSchema(Schema):
    """Everything held about one client, in one JSON document (`format_version` 1)."""

    format_version = fields.Integer(metadata={"description": "1: the layout of this document; a change of "
                                                             "layout gets a new number"})
    exported_at = fields.String(metadata={"description": "ISO 8601, in the exporting salon's time zone"})
    exported_by = fields.String(metadata={"description": "the manager (or token) who asked for it"})
    client = fields.Dict(metadata={"description": "the profile: every field, consents (`programme` is true for "
                                                  "every client: nothing is kept without it), referral code and "
                                                  "link, the referrer's code, the card's address, created_at"})
    loyalty = fields.Dict(metadata={"description": "the loyalty summary as the till has it"})
    ledger = fields.List(fields.Dict(), metadata={"description": "every ledger entry, oldest first"})
    lots = fields.List(fields.Dict(), metadata={"description": "every lot of points with what is left and its expiry"})
    sales = fields.List(fields.Dict(), metadata={"description": "the exporting salon's sales of the client, with "
                                                                "lines, payments and redemptions"})
    rewards_granted = fields.List(fields.Dict(), metadata={"description": "rewards a manager gave the client"})
    referrals_made = fields.List(fields.Integer(), metadata={"description": "the ids of the clients this one "
                                                                            "referred (their names are theirs)"})
    audit = fields.List(fields.Dict(), metadata={"description": "the audit trail's entries about the client"})
    mails = fields.List(fields.Dict(), metadata={"description": "the e-mails written to the client (outbox): kind, "
                                                                "address, subject, status, when, text"})


class ErasureSchema(Schema):
    id = fields.Integer()
    erased_at = fields.AwareDateTime()
    balance = fields.Integer(metadata={"description": "the points kept on the anonymous account"})
    ledger_entries = fields.Integer(metadata={"description": "the entries kept (their words scrubbed)"})
    scrubbed = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "how many stored texts naming the person were rewritten"})


class ErasureConfirmSchema(Strict):
    """The back office's erasure form: the manager types the client's name to confirm."""

    confirm_name = Text(required=True, non_blank=True, validate=validate.Length(min=1, max=170))
