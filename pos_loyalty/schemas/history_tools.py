"""The history tools' forms (import, recalculation, reset): what the manager pages post, checked here."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from pos_loyalty.services.recalculation import PERIODS
from pos_loyalty.translatable import N_

RESET_WORD = "RESET"  # what the manager types to confirm a reset (the same word in every language)


class ImportFormSchema(Schema):
    skip_bad = fields.Boolean(load_default=False, metadata={"description": "import the good rows even when some are bad"})


class RecalculateFormSchema(Schema):
    period = fields.String(required=True, validate=validate.OneOf(list(PERIODS), error=N_("One of: 3m, 6m, 12m, all.")))


class ResetFormSchema(Schema):
    confirm = fields.String(required=True)

    @validates("confirm")
    def _typed(self, value: str, **kwargs) -> None:
        if value.strip().upper() != RESET_WORD:
            raise ValidationError(N_("Type RESET to confirm."))
