"""The JSON API under /api/v1: one blueprint per resource, one error body, bearer tokens."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api, Blueprint
from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**63 - 1


class IdConverter(IntegerConverter):
    """Ids beyond what a database integer holds cannot exist: such a URL is a 404, not a driver error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


class LoyaltyApi(Api):
    """flask-smorest, documenting our error body ({"error": {code, message, details}}) as the default."""

    from pos_loyalty.schemas.bodies import ErrorSchema as ERROR_SCHEMA  # noqa: N811 - the name flask-smorest reads


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


def refuse_unknown_query_parameters() -> None:
    """webargs ignores unknown query parameters by default; ours are refused like unknown body fields
    ("?limt=5" is a typo worth telling), by each schema's own `unknown` (marshmallow's default: RAISE)."""
    parser = Blueprint.ARGUMENTS_PARSER
    parser.DEFAULT_UNKNOWN_BY_LOCATION = {**parser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}


def register_api(app: Flask) -> Api:
    from . import clients, history, printing, privacy, program, reports, rewards, sales, tills  # noqa: F401 - privacy adds to clients
    from . import milestones  # noqa: F401 - adds to rewards and clients
    from .document import ErrorResponsesPlugin, SchemaPlugin, document_rule_kinds
    from .errors import register_error_handlers
    from .input_guard import register_input_guard

    app.url_map.converters["int"] = IdConverter
    refuse_unknown_query_parameters()
    api = LoyaltyApi(app, spec_kwargs={"marshmallow_plugin": SchemaPlugin(schema_name_resolver=schema_name),
                                       "extra_plugins": [ErrorResponsesPlugin(app)]})
    api.register_converter(IdConverter, lambda converter: {"type": "integer", "minimum": 0,
                                                           "maximum": DATABASE_INT_MAX})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    from . import mail  # the e-mail outbox

    for module in (program, history, rewards, clients, sales, printing, reports, tills, mail):
        api.register_blueprint(module.bp)
    document_rule_kinds(api, app.extensions["pos_loyalty"].earning_rules.rule_kinds())
    register_input_guard(app)
    register_error_handlers(app)
    return api
