"""The JSON API under /api/v1: one blueprint per resource, one error body, bearer tokens."""
from __future__ import annotations

import threading

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
    """flask-smorest, documenting our error body ({"error": {code, message, details}}) as the default, and
    writing the OpenAPI document when it is first read instead of at start-up.

    Documenting the blueprints (apispec turning every marshmallow schema into JSON Schema) was half of
    create_app's time, paid by every start and every test, while only /api/v1/openapi.json, the docs pages
    and `flask openapi` read the document. So register_blueprint registers the routes at once and keeps the
    documentation steps, in their order; reading `spec` runs whatever is still kept (once, under a lock:
    the server's threads may ask for the document together), so the document is the same as if written at
    start-up, and everything that reads `spec` (flask-smorest's own views and commands too) sees it whole.
    """

    from pos_loyalty.schemas.bodies import ErrorSchema as ERROR_SCHEMA  # noqa: N811 - the name flask-smorest reads

    def __init__(self, app=None, **kwargs):
        self._spec = None
        self._document_steps: list = []  # callables taking the APISpec, run in order on the first read
        self._document_lock = threading.RLock()
        self._documenting = False
        super().__init__(app, **kwargs)

    @property
    def spec(self):
        if self._document_steps or self._documenting:  # another thread may be writing it: wait for it
            self._complete_document()
        return self._spec

    @spec.setter
    def spec(self, value) -> None:  # flask-smorest assigns it (None, then its APISpec)
        self._spec = value

    def document_later(self, step) -> None:
        """`step(spec)` adds to the document when it is first read, after the steps kept before it."""
        self._document_steps.append(step)

    def _complete_document(self) -> None:
        with self._document_lock:
            if self._documenting:  # a step reading `spec` on this very thread (the lock is re-entrant)
                return
            self._documenting = True
            try:
                while self._document_steps:
                    self._document_steps.pop(0)(self._spec)
            finally:
                self._documenting = False

    def register_blueprint(self, blp, *, parameters=None, **options):
        """flask-smorest's register_blueprint (same three steps), its two documentation steps kept for later:
        flask-smorest has no switch for that, so its body is repeated here."""
        blp_name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][blp_name] = self
        self._app.register_blueprint(blp, **options)

        def document(spec) -> None:
            blp.register_views_in_doc(self, self._app, spec, name=blp_name, parameters=parameters)
            spec.tag({"name": blp_name, "description": blp.description})

        self.document_later(document)


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
    rule_kinds = app.extensions["pos_loyalty"].earning_rules.rule_kinds()  # the plugins' kinds at start
    api.document_later(lambda spec: document_rule_kinds(api, rule_kinds))
    register_input_guard(app)
    register_error_handlers(app)
    return api
