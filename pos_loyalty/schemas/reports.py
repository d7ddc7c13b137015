"""The loyalty ranking and its figures (GET /reports/loyalty, /reports/ranking), as the API answers them.

RankingQuerySchema checks both the API's query and the ranking page's GET form (panel/manage/loyalty.py).
"""
from marshmallow import Schema, fields, validate

from pos_loyalty.schemas.bodies import Strict
from pos_loyalty.schemas.fields import MAX_POINTS, Text


class RankingQuerySchema(Strict):
    """The ranking's filters: lifetime points at least `min_points`; with (true) or without (false) clients
    referred; with (true) or without (false) a reward redeemed; `q` words of the name, e-mail, phone or
    referral code (accents and case ignored); `cursor` the `next` of the page before."""

    min_points = fields.Integer(strict=False, validate=validate.Range(0, MAX_POINTS))
    has_referrals = fields.Boolean()
    has_rewards = fields.Boolean()
    q = Text(validate=validate.Length(max=80))
    cursor = Text(validate=validate.Length(max=40))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class RankingItemSchema(Schema):
    rank = fields.Integer()
    client_id = fields.Integer()
    name = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    balance = fields.Integer()
    lifetime_points = fields.Integer()
    referrals = fields.Integer()
    rewards_redeemed = fields.Integer()
    last_visit = fields.AwareDateTime(allow_none=True)


class RankingPageSchema(Schema):
    items = fields.List(fields.Nested(RankingItemSchema))
    next = fields.String(allow_none=True)


class PopularRewardSchema(Schema):
    reward_id = fields.Integer()
    name = fields.String()
    times = fields.Integer()  # redemptions made final
    points = fields.Integer()  # the points they cost


class MonthFiguresSchema(Schema):
    month = fields.String()  # "2026-11"
    earned = fields.Integer()
    redeemed = fields.Integer()


class LoyaltyFiguresSchema(Schema):
    active_members = fields.Integer()
    points_distributed = fields.Integer()
    referrals = fields.Integer()
    rewards_redeemed = fields.Integer()
    top = fields.List(fields.Nested(RankingItemSchema))
    popular_rewards = fields.List(fields.Nested(PopularRewardSchema))
    points_expiring_30_days = fields.Integer()
    clients_with_points_expiring_30_days = fields.Integer()
    expiring_until = fields.Date()
    clients = fields.Integer()
    as_of = fields.Date()
    months = fields.List(fields.Nested(MonthFiguresSchema))
