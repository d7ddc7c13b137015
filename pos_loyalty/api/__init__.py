"""The JSON API under /api/v1: one blueprint per resource, one error body, bearer tokens."""
from __future__ import annotations

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**63 - 1


class IdConverter(IntegerConverter):
    """Ids beyond what a database integer holds cannot exist: such a URL is a 404, not a driver error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


class LoyaltyApi(Api):
    """flask-smorest, documenting our error body ({"error": {code, message, details}}) as the default."""

    from .schemas import ErrorSchema as ERROR_SCHEMA  # noqa: N811 - the name flask-smorest reads


def schema_name(schema) -> str:
    """Component names for the OpenAPI document: a partial or trimmed variant gets its own name."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type):
        if schema.partial and not name.endswith("Patch"):
            name += "Patch"
        if schema.exclude or schema.only:
            name += "Part"
    return name


def register_api(app: Flask) -> Api:
    from . import clients, history, printing, program, reports, rewards, sales, tills
    from .errors import register_error_handlers

    app.url_map.converters["int"] = IdConverter
    api = LoyaltyApi(app, spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})
    api.register_converter(IdConverter, lambda converter: {"type": "integer", "minimum": 0,
                                                           "maximum": DATABASE_INT_MAX})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    for module in (program, history, rewards, clients, sales, printing, reports, tills):
        api.register_blueprint(module.bp)
    register_error_handlers(app)
    return api
