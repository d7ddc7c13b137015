"""The OpenAPI document says what the code does: which errors an operation answers, that a PATCH needs at
least one field, what a rule of each kind looks like, and the text pattern every request string obeys.

Schemathesis reads the document and holds the answers to it (tests/test_schemathesis.py): whatever the code
refuses, the document must say.
"""
from __future__ import annotations

from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_instance
from flask import Flask
from marshmallow import fields as ma_fields

from pos_loyalty.schemas.fields import TEXT_PATTERN

WRITES = {"post", "put", "patch", "delete"}


class SchemaPlugin(MarshmallowPlugin):
    """marshmallow's plugin, plus minProperties: 1 for the schemas that refuse an empty change."""

    def schema_helper(self, name, _, schema=None, **kwargs):
        json_schema = super().schema_helper(name, _, schema=schema, **kwargs)
        if schema is not None:
            refuses_empty = getattr(resolve_schema_instance(schema), "refuses_empty", None)
            if callable(refuses_empty) and refuses_empty():
                json_schema["minProperties"] = 1
        return json_schema


class ErrorResponsesPlugin(BasePlugin):
    """Each operation lists the errors it gives (the "default" error response stays for the rest): 401
    everywhere (a token is needed), 403 where a manager is, 404 where the path names an object, 409 on
    writes (the state refuses them), 400 and 415 where a JSON body is read."""

    def __init__(self, app: Flask):
        self.app = app
        self.spec = None

    def init_spec(self, spec) -> None:
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        for method, operation in (operations or {}).items():
            self._document_text(operation)
            responses = operation.setdefault("responses", {})
            errors = {401: "UNAUTHORIZED"}
            if getattr(view, "required_role", None) == "manager":
                errors[403] = "FORBIDDEN"
            if rule is not None and rule.arguments:
                errors[404] = "NOT_FOUND"
            if method in WRITES:
                errors[409] = "CONFLICT"
            if "requestBody" in operation:
                errors[400] = "BAD_REQUEST"
                errors[415] = "UNSUPPORTED_MEDIA_TYPE"
            for status, name in errors.items():
                responses.setdefault(status, name)

    def _document_text(self, operation: dict) -> None:
        """Every string a request carries obeys the text rule (api/input_guard.py refuses the rest for every
        endpoint): the document says so wherever no pattern, enum or format says more."""
        for parameter in operation.get("parameters", []):
            if isinstance(parameter, dict) and isinstance(parameter.get("schema"), dict):
                _pattern_strings(parameter["schema"], self.spec.components.schemas)
        for content in operation.get("requestBody", {}).get("content", {}).values():
            if isinstance(content.get("schema"), dict):
                _pattern_strings(content["schema"], self.spec.components.schemas)


def document_rule_kinds(api, kinds: dict) -> None:
    """POST /rules takes one of the kinds (its `kind`, `active` and the kind's own fields); PATCH takes
    `active` or fields of the rule's kind. Written from the kinds registered at start (plugins' too)."""
    converter = api.ma_plugin.converter
    variants, patch_properties = [], {"active": {"type": "boolean"}}
    for name, kind in sorted(kinds.items()):
        schema = resolve_schema_instance(kind.schema)
        body = converter.schema2jsonschema(schema)
        _decimals_as_numbers_or_strings(schema, body)
        _pattern_strings(body, {})
        properties = {"kind": {"type": "string", "enum": [name]}, "active": {"type": "boolean", "default": True},
                      **body.get("properties", {})}
        variants.append({"type": "object", "title": f"{name} rule", "properties": properties,
                         "required": ["kind", *body.get("required", [])], "additionalProperties": False})
        patch_properties.update(body.get("properties", {}))
    schemas = api.spec.components.schemas
    if "RuleIn" in schemas:
        schemas["RuleIn"] = {"oneOf": variants, "discriminator": {"propertyName": "kind"},
                             "description": "A rule of one of the kinds, with that kind's fields."}
    if "RulePatch" in schemas:
        schemas["RulePatch"] = {"type": "object", "properties": patch_properties, "additionalProperties": False,
                                "minProperties": 1,
                                "description": "`active`, or fields of the rule's own kind (another kind's"
                                               " fields are a 409)."}


DECIMAL_PATTERN = r"^[0-9]+(\.[0-9]+)?$"


def _decimals_as_numbers_or_strings(schema, json_schema: dict) -> None:
    """A marshmallow Decimal reads "2" and 2 alike (the contract writes "factor": "2"); apispec says only
    "number", and writes its bounds as strings, which JSON Schema does not allow."""
    for name, field in schema.load_fields.items():
        prop = json_schema.get("properties", {}).get(field.data_key or name)
        if isinstance(field, ma_fields.Decimal) and prop is not None:
            number = {"type": "number"}
            for bound in ("minimum", "maximum"):
                if bound in prop:
                    number[bound] = float(prop.pop(bound))
            prop.pop("type", None)
            prop["anyOf"] = [number, {"type": "string", "pattern": DECIMAL_PATTERN}]


def _pattern_strings(json_schema: dict, components: dict) -> None:
    """The text pattern on every writable string of a JSON Schema without a pattern, enum or format of its
    own, following $refs into `components` (each component once)."""
    pending, seen = [json_schema], set()
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen and isinstance(components.get(name), dict):
                seen.add(name)
                pending.append(components[name])
            continue
        if node.get("type") == "string" and not node.get("readOnly") and not (
                {"pattern", "enum", "format"} & set(node)):
            node["pattern"] = TEXT_PATTERN
        pending.extend(node.get("properties", {}).values())
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                pending.append(node[key])
        for key in ("allOf", "anyOf", "oneOf"):
            pending.extend(node.get(key, []))
