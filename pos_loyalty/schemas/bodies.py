"""Request and answer bodies of the JSON API (marshmallow 4). Field names are the contract: add, never rename."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, post_dump, validate, validates, validates_schema

from pos_loyalty.core.rewards import REWARD_KINDS

from pos_loyalty.schemas.fields import (MAX_POINTS, MAX_QUANTITY, MONEY_PATTERN, Email, Money, Pattern, Ratio,
                                         StrictBoolean, Text)
from pos_loyalty.translatable import N_

ID = validate.Range(min=1, max=2**63 - 1, error=N_("Not an id this API gave."))


def Name(**kwargs) -> Text:  # noqa: N802 - a field factory reads like a field
    """A person's first or last name: 1 to 80 characters, not only spaces."""
    return Text(non_blank=True, validate=validate.Length(min=1, max=80), **kwargs)


def Bool(**kwargs) -> StrictBoolean:  # noqa: N802 - a field factory reads like a field
    """JSON true or false only: "yes" or 1 for a switch is a mistake worth telling."""
    return StrictBoolean(**kwargs)


class Strict(Schema):
    """Every input schema: an unknown field is refused (in a query string too: see register_api), and a
    partial schema (a PATCH) refuses an empty change."""

    class Meta:
        unknown = RAISE

    def refuses_empty(self) -> bool:
        """A PATCH with nothing in it is a mistake worth telling (the document says minProperties: 1)."""
        return bool(self.partial)

    @validates_schema
    def refuse_nothing_to_change(self, data, **kwargs):
        if not data and self.refuses_empty():
            raise ValidationError(N_("Nothing to change: give at least one field."), "_schema")


# --- program -------------------------------------------------------------------------------------------
class ProgramSchema(Strict):
    enabled = Bool(required=True)
    currency = Text(required=True, validate=Pattern(r"^[A-Z]{3}$", error=N_("An ISO code: EUR.")))
    points_per_unit = Ratio(required=True)
    rounding = Text(required=True, validate=validate.OneOf(["floor", "half_up", "ceiling"]))
    validity_months = fields.Integer(required=True, strict=True, allow_none=True, validate=validate.Range(1, 120))
    products_earn = Bool(required=True)
    discounted_sales_earn = Bool(required=True)
    subscribers_earn = Bool(required=True)
    referrer_bonus = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100_000))
    welcome_bonus = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100_000))
    allow_stacking = Bool(required=True)
    catalogue_only = Bool(required=True)  # host POS lines must name a catalogue item
    # Not required: a form or body without them leaves them as they are (added fields of issue 13).
    reward_mode = Text(validate=validate.OneOf(["redeem", "milestone"]))  # milestone: lifetime points issue codes
    referral_thanks_email = Bool()  # thank the referrer by e-mail when the client they brought pays
    version = fields.Integer(dump_only=True)
    changed_at = fields.AwareDateTime(dump_only=True, attribute="created_at")
    changed_by = fields.String(dump_only=True)


# --- rules ---------------------------------------------------------------------------------------------
class RuleInSchema(Schema):
    """`kind` picks the rule kind; the other fields are those of the kind (see the kinds' own schemas)."""

    class Meta:
        unknown = "include"

    kind = Text(required=True, validate=validate.Length(min=1, max=40))
    active = Bool(load_default=True)


class RulePatchSchema(Strict):
    """`active`, or the rule's own fields (those of its kind)."""

    class Meta:
        unknown = "include"

    active = Bool()

    def refuses_empty(self) -> bool:
        return True


class RuleOutSchema(Schema):
    """The rule's own fields (service_code, points, factor...) come beside these: see its kind."""

    class Meta:
        unknown = "include"  # documented as additionalProperties: each kind brings its fields

    id = fields.Integer()
    kind = fields.String()
    active = Bool()
    description = fields.String()

    @post_dump(pass_original=True)
    def add_params(self, data, original, **kwargs):
        # The rule's own fields win: a multiplier's `description` is the name the manager gave it ("Mardi
        # points doublés"); kinds without one answer their kind's wording.
        params = {k: v for k, v in original.get("params", {}).items() if k not in ("id", "kind", "active")}
        if not params.get("description"):
            params.pop("description", None)
        return {**data, **params}


# --- rewards -------------------------------------------------------------------------------------------
class RewardSchema(Strict):
    id = fields.Integer(dump_only=True)
    name = Text(required=True, non_blank=True, validate=validate.Length(min=1, max=80))
    kind = Text(required=True, validate=validate.OneOf(REWARD_KINDS))
    value = Text(required=True, validate=validate.Length(min=1, max=40))
    points_cost = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_POINTS))
    description = Text(load_default="", validate=validate.Length(max=500))
    active = Bool(load_default=True)
    sale_earns = Bool(load_default=True)  # false: a sale that uses the reward earns no points at all

    @validates_schema(skip_on_field_errors=False)  # a bad value is told beside an empty name, not after it
    def check_value_of_kind(self, data, **kwargs):
        """The value read by the kind: an amount, a percentage or an item code (a PATCH without the kind
        is checked against the stored kind by the API)."""
        kind, value = data.get("kind"), data.get("value")
        if kind not in REWARD_KINDS or value is None:
            return
        problem = reward_value_problem(kind, value)
        if problem:
            raise ValidationError(problem, "value")


ITEM_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
_PERCENT = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$")


def reward_value_problem(kind: str, value: str) -> str | None:
    """Why a reward's value does not fit its kind, as a constant sentence (translated by the panel)."""
    if kind == "amount_off":
        if re.fullmatch(MONEY_PATTERN, value) is None or Decimal(value) <= 0:
            return N_("An amount off is above 0, such as \"10.00\" (two decimals at most).")
    elif kind == "percent_off":
        if _PERCENT.fullmatch(value) is None or not 0 < Decimal(value) <= 100:
            return N_("A percentage is above 0 and at most 100.")
    elif kind == "free_item" and re.fullmatch(ITEM_CODE_PATTERN, value) is None:
        return N_("Give the code of a service or product of the catalogue.")
    return None


# --- catalogue -----------------------------------------------------------------------------------------
class CatalogueItemSchema(Strict):
    id = fields.Integer(dump_only=True)
    code = Text(required=True, validate=Pattern(ITEM_CODE_PATTERN, error=N_("Letters, digits, - _ . (40 at most).")))
    name = Text(required=True, non_blank=True, validate=validate.Length(min=1, max=120))
    kind = Text(required=True, validate=validate.OneOf(["service", "product"]))
    category = Text(load_default="", validate=validate.Length(max=40))
    price = Money(required=True)
    active = Bool(load_default=True)


class CatalogueQuerySchema(Strict):
    q = Text(validate=validate.Length(max=80))


class CategorySchema(Schema):
    """A category of the catalogue: its code (as items carry it, lower case) and the name the till shows."""

    code = fields.String()
    display_name = fields.String(allow_none=True, metadata={"description": "the salon's name for it; null: "
                                                                           "none given"})
    label = fields.String(metadata={"description": "what the till shows: the display name, else the code "
                                                   "written as a title (\"colour\" → \"Colour\")"})
    position = fields.Integer()
    items = fields.Integer(metadata={"description": "how many items of the catalogue carry it"})


class CategoryNameSchema(Strict):
    display_name = Text(required=True, non_blank=True, validate=validate.Length(min=1, max=80))


# --- clients -------------------------------------------------------------------------------------------
class ClientSchema(Strict):
    id = fields.Integer(dump_only=True)
    first_name = Name(required=True)
    last_name = Name(required=True)
    phone = Text(allow_none=True, validate=Pattern(r"^\+?[0-9 ().-]{6,24}$", error=N_("A phone number: digits, spaces, +.")))
    email = Email(allow_none=True, validate=validate.Length(max=254))
    referred_by = Text(allow_none=True, validate=validate.Length(min=1, max=60))
    subscriber = Bool(load_default=False)
    email_opt_in = Bool(load_default=False, metadata={"description": "consents to the programme's e-mails"})
    birth_date = fields.Date(allow_none=True)
    referral_code = fields.String(dump_only=True)
    referral_link = fields.String(dump_only=True)
    card_url = fields.String(dump_only=True, allow_none=True, metadata={"description": "the client's own card page, /card/{token}"})
    created_at = fields.AwareDateTime(dump_only=True)

    @validates("birth_date")
    def check_birth_date(self, value, **kwargs):
        if value is not None and not date(1900, 1, 1) <= value <= date.today():
            raise ValidationError(N_("A birth date between 1900 and today."))


class ClientPatchSchema(ClientSchema):
    pass


class ReferralInSchema(Strict):
    """A referral recorded by a manager: the referrer's code; the bonuses now, or at the first paid sale."""

    referred_by = Text(required=True, non_blank=True, validate=validate.Length(min=1, max=60))
    bonuses_now = Bool(load_default=False)


class ReferralCodeInSchema(Strict):
    """Another referral code for a client (stored in capitals, accents folded, words joined by hyphens)."""

    referral_code = Text(required=True, non_blank=True, validate=validate.Length(min=1, max=60))


class ClientQuerySchema(Strict):
    q = Text(required=True, validate=validate.Length(min=1, max=80))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class ClientListSchema(Schema):
    items = fields.List(fields.Nested(ClientSchema))


# --- loyalty -------------------------------------------------------------------------------------------
class ExpiringSchema(Schema):
    points = fields.Integer()
    expires_on = fields.Date()


class RewardOfferSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    points_cost = fields.Integer()


class NextRewardSchema(RewardOfferSchema):
    points_missing = fields.Integer()


class LoyaltySchema(Schema):
    client_id = fields.Integer()
    enabled = Bool()
    balance = fields.Integer()
    held = fields.Integer()
    available = fields.Integer()
    next_expiry = fields.Nested(ExpiringSchema, allow_none=True)
    expiring = fields.List(fields.Nested(ExpiringSchema))
    eligible_rewards = fields.List(fields.Nested(RewardOfferSchema))
    next_reward = fields.Nested(NextRewardSchema, allow_none=True)
    referral_code = fields.String()
    granted_rewards = fields.List(fields.Nested(lambda: ObtainedRewardSchema()))
    # Milestone mode only (absent in redeem mode): lifetime points and the client's codes.
    reward_mode = fields.String()
    lifetime = fields.Integer()
    codes = fields.List(fields.Nested(lambda: MilestoneCodeSchema()))


class MilestoneCodeSchema(Schema):
    """A milestone code (PRODUCT §4): issued (usable, or held on an open sale), used or void."""

    code = fields.String()
    reward_id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    value = fields.String()
    status = fields.String()
    issued_at = fields.AwareDateTime()
    grant_id = fields.Integer()
    issued_sale_id = fields.Integer(allow_none=True)
    used_sale_id = fields.Integer(allow_none=True)
    voided_at = fields.AwareDateTime(allow_none=True)
    voided_by = fields.String(allow_none=True)


class LedgerItemSchema(Schema):
    id = fields.Integer()
    at = fields.String()  # ISO 8601 in the salon's time zone
    kind = fields.String()
    points = fields.Integer()
    description = fields.String()
    sale_id = fields.Integer(allow_none=True)
    reward_id = fields.Integer(allow_none=True)
    rule_version = fields.Integer(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    staff = fields.String()


class LedgerPageSchema(Schema):
    items = fields.List(fields.Nested(LedgerItemSchema))
    next = fields.String(allow_none=True)


class LedgerQuerySchema(Strict):
    cursor = Text(validate=validate.Length(max=40))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class AdjustmentInSchema(Strict):
    points = fields.Integer(required=True, strict=True, validate=[validate.Range(-MAX_POINTS, MAX_POINTS),
                                                                  validate.NoneOf([0], error=N_("Not 0."))],
                            metadata={"not": {"enum": [0]}})
    reason = Text(required=True, non_blank=True, validate=validate.Length(min=1, max=250))


class AdjustmentOutSchema(Schema):
    entry = fields.Nested(LedgerItemSchema)
    balance = fields.Integer()


# --- sales ---------------------------------------------------------------------------------------------
class SaleLineSchema(Strict):
    position = fields.Integer(dump_only=True)
    code = Text(required=True, validate=validate.Length(min=1, max=40))
    name = Text(validate=validate.Length(min=1, max=120))
    kind = Text(validate=validate.OneOf(["service", "product"]))
    category = Text(validate=validate.Length(max=40))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_QUANTITY))
    unit_price = Money()
    amount = Money(dump_only=True)


class SaleInSchema(Strict):
    client_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    till = Text(allow_none=True, validate=validate.Length(min=1, max=40))
    lines = fields.List(fields.Nested(SaleLineSchema), required=True, validate=validate.Length(min=1, max=200))
    discount_code = Text(allow_none=True, validate=validate.Length(min=1, max=40))
    discount_amount = Money(allow_none=True)


class RedemptionSchema(Schema):
    id = fields.Integer()
    reward_id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    points_cost = fields.Integer()
    discount = Money()
    status = fields.String()


class DiscountSchema(Schema):
    description = fields.String()
    amount = Money()


class PaymentLineSchema(Schema):
    id = fields.Integer()
    amount = Money()
    tendered = Money()
    method = fields.String()
    at = fields.AwareDateTime()


class EarningSchema(Schema):
    kind = fields.String()
    description = fields.String()
    points = fields.Integer()


class QuoteSchema(Schema):
    points_to_earn = fields.Integer()
    balance_after = fields.Integer(allow_none=True)
    points_to_redeem = fields.Integer()
    earnings = fields.List(fields.Nested(EarningSchema))


class SaleOutSchema(Schema):
    id = fields.Integer()
    client_id = fields.Integer(allow_none=True)
    till = fields.String()
    status = fields.String()
    lines = fields.List(fields.Nested(SaleLineSchema))
    discount_code = fields.String(allow_none=True)
    discount_amount = Money()
    total = Money()
    discount = Money()
    to_pay = Money()
    paid = Money()
    due = Money()
    change = Money()
    discounts = fields.List(fields.Nested(DiscountSchema))
    redemptions = fields.List(fields.Nested(RedemptionSchema))
    payments = fields.List(fields.Nested(PaymentLineSchema))
    quote = fields.Nested(QuoteSchema)
    created_at = fields.AwareDateTime()
    paid_at = fields.AwareDateTime(allow_none=True)
    program_version = fields.Integer(allow_none=True)


class AttachClientSchema(Strict):
    client_id = fields.Integer(required=True, strict=True, allow_none=True, validate=ID)


class RedemptionInSchema(Strict):
    """`{"reward_id"}` (with `grant_id` for a granted reward), or `{"code"}`: a milestone code."""

    reward_id = fields.Integer(strict=True, validate=ID)
    grant_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    code = Text(validate=validate.Length(min=1, max=20))  # six letters; case and spaces do not matter

    @validates_schema
    def one_of_reward_or_code(self, data, **kwargs):
        if ("reward_id" in data) == ("code" in data):
            raise ValidationError(N_("Give either reward_id or code."), "_schema")
        if "code" in data and data.get("grant_id") is not None:
            raise ValidationError(N_("A code needs no grant_id."), "grant_id")


class GrantInSchema(Strict):
    reward_id = fields.Integer(required=True, strict=True, validate=ID)
    reason = Text(required=True, non_blank=True, validate=validate.Length(min=1, max=250))


class ObtainedRewardSchema(Schema):
    """A reward the client obtained: granted by a manager (grant_id) or redeemed with points."""

    grant_id = fields.Integer(allow_none=True)
    reward_id = fields.Integer()
    name = fields.String()
    points_cost = fields.Integer()
    status = fields.String()  # available | held | used (grants); redeemed | returned
    sale_id = fields.Integer(allow_none=True)
    at = fields.AwareDateTime()
    reason = fields.String()
    granted_by = fields.String()
    # Milestone codes (PRODUCT §4): their status is issued | used | void; a manager's grant has no code.
    code = fields.String(allow_none=True)
    issued_at = fields.AwareDateTime(allow_none=True)
    source = fields.String()  # manager | milestone (grants)


PAYMENT_METHODS = ["card", "cash", "cheque", "voucher", "gift_card", "transfer", "other"]


class PaymentInSchema(Strict):
    amount = Money(required=True)
    method = Text(required=True, validate=validate.OneOf(PAYMENT_METHODS))


class PaymentOutSchema(Schema):
    sale = fields.Nested(SaleOutSchema)
    status = fields.String()
    points_earned = fields.Integer()
    points_redeemed = fields.Integer()
    balance = fields.Integer(allow_none=True)
    change = Money()


class RefundOutSchema(Schema):
    sale = fields.Nested(SaleOutSchema)
    points_reversed = fields.Integer()
    points_returned = fields.Integer()
    balance = fields.Integer(allow_none=True)


class ReceiptQuerySchema(Strict):
    format = Text(load_default="text", validate=validate.OneOf(["text", "escpos", "png"]))
    width = fields.Integer(validate=validate.OneOf([32, 48]))


class ErrorBodySchema(Schema):
    code = fields.String(required=True,
                         metadata={"description": "stable, for programs: insufficient_points, sale_paid..."})
    message = fields.String(required=True, metadata={"description": "for people, in plain words"})
    details = fields.Dict(required=True, metadata={"description": "always an object: per field (a list of "
                                                                  "messages, or the fields of a nested object), "
                                                                  "or figures such as points_missing"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


