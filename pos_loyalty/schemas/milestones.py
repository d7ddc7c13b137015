"""Bodies of milestone mode's manager calls: the prompt for clients already past a threshold, and a void."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from pos_loyalty.schemas.bodies import Strict
from pos_loyalty.schemas.fields import MAX_POINTS


class ClientsPastQuerySchema(Strict):
    points_cost = fields.Integer(strict=False, validate=validate.Range(1, MAX_POINTS))  # a threshold not saved yet


class NewThresholdQuerySchema(Strict):
    """Before a reward exists there is no threshold to default to: the one being typed is required."""

    points_cost = fields.Integer(strict=False, required=True, validate=validate.Range(1, MAX_POINTS))


class ClientsPastSchema(Schema):
    clients_past = fields.Integer()  # clients whose lifetime points reach the threshold, without this code yet
    reward_id = fields.Integer(allow_none=True)
    points_cost = fields.Integer()


class IssuedToPastSchema(Schema):
    issued = fields.Integer()  # codes issued now
    reward_id = fields.Integer()
