"""The self-registration form of /join: the API's own client schema, plus what only a sign-up asks."""
from __future__ import annotations

from marshmallow import ValidationError, validate, validates_schema

from pos_loyalty.schemas.bodies import Bool, ClientSchema
from pos_loyalty.translatable import N_

JOIN_FIELDS = ["first_name", "last_name", "phone", "email", "email_opt_in", "consent"]


class JoinSchema(ClientSchema):
    """A person joining by themself: names, a way to reach them (phone or e-mail, at least one), the consent
    to the programme (required: nothing is kept without it) and, apart, the consent to e-mails."""

    consent = Bool(required=True, load_only=True,
                   validate=validate.Equal(True, error=N_("Tick this box to join: without it nothing is kept.")))

    @validates_schema
    def phone_or_email(self, data, **kwargs):
        if not data.get("phone") and not data.get("email"):
            raise ValidationError(N_("A phone number or an e-mail address: at least one."), "phone")
