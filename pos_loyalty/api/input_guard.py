"""What every API request must be before a schema reads it: a JSON body (or none) nested at most 32 deep,
and text without control characters (but tab and newline) or lone surrogates, in the body, the query
string, the path and the Idempotency-Key header.

Checked here once for every endpoint, so that no schema, plugin rule kind or future field can forget it:
a NUL reaching PostgreSQL, a surrogate reaching any driver, or a body nested 1,000 deep reaching the JSON
parser's recursion was a 500. The schemas' Text fields apply the same rule (fields.text_problem) and
document it as a pattern.
"""
from __future__ import annotations

import json
import re

from flask import Flask, request

from .errors import error_response
from pos_loyalty.schemas.fields import text_problem

MAX_JSON_DEPTH = 32
MAX_PROBLEMS = 20
# A JSON string token (skipped whole, brackets inside it do not count) or a bracket.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def register_input_guard(app: Flask) -> None:
    app.before_request(check_api_request)


def check_api_request():
    if not request.path.startswith("/api/"):
        return None
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text_problem(value):
            return error_response(404, "not_found", "Nothing exists at this address.")
    problems = _query_problems()
    key = request.headers.get("Idempotency-Key")
    if key is not None and text_problem(key):
        problems.append((("Idempotency-Key",), f"The Idempotency-Key header {text_problem(key)}"))
    body = request.get_data(cache=True)
    if body:
        if not request.is_json:
            return error_response(415, "unsupported_media_type", "Send the body as JSON, with the header"
                                  " Content-Type: application/json.",
                                  {"Content-Type": [f"Not JSON: {request.mimetype or 'none given'}."]})
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _invalid_json("The body is not UTF-8 text.")
        if _too_deep(text):
            return error_response(400, "json_too_deep", f"The JSON body is nested deeper than {MAX_JSON_DEPTH}"
                                  " levels.", {"_schema": [f"Nested deeper than {MAX_JSON_DEPTH} levels."]})
        try:
            document = json.loads(text)
        except ValueError as error:
            return _invalid_json(f"The body is not valid JSON: {error.msg} at character {error.pos}."
                                 if isinstance(error, json.JSONDecodeError) else "The body is not valid JSON.")
        problems.extend(_text_problems(document))
    if problems:
        return error_response(422, "validation_error", problems[0][1], _nested(problems[:MAX_PROBLEMS]))
    return None


def _invalid_json(message: str):
    return error_response(400, "invalid_json", message, {"_schema": [message]})


def _too_deep(text: str) -> bool:
    depth = 0
    for token in _STRUCTURE.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif bracket in "]}":
            depth -= 1
    return False


def _shown(name: str) -> str:
    """A field name as it can be printed: escapes for what is not text."""
    return name if text_problem(name) is None else ascii(name)[1:-1]


def _query_problems() -> list[tuple[tuple[str, ...], str]]:
    problems = []
    for name, values in request.args.lists():
        if text_problem(name):
            problems.append(((_shown(name),), f"The query parameter name {_shown(name)} {text_problem(name)}"))
            continue
        for value in values:
            if text_problem(value):
                problems.append(((name,), f"{name} {text_problem(value)}"))
                break
    return problems


def _text_problems(document) -> list[tuple[tuple[str, ...], str]]:
    """Every string of the body, keys too, walked without recursion (the depth is already bounded)."""
    problems = []
    pending = [((), document)]
    while pending and len(problems) < MAX_PROBLEMS:
        path, value = pending.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                problems.append((path, f"{'.'.join(path) or 'The body'} {problem}"))
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if text_problem(key):
                    problems.append((path + (_shown(key),), f"The field name {_shown(key)} {text_problem(key)}"))
                else:
                    pending.append((path + (key,), item))
        elif isinstance(value, list):
            pending.extend((path + (str(index),), item) for index, item in reversed(list(enumerate(value))))
    return problems


def _nested(problems: list[tuple[tuple[str, ...], str]]) -> dict:
    """{"lines": {"0": {"name": ["..."]}}}: the shape of the schemas' own field errors."""
    details: dict = {}
    for path, message in problems:
        path = path or ("_schema",)
        node = details
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                child = node[part] = {"_schema": child}
            node = child
        existing = node.setdefault(path[-1], [])
        if isinstance(existing, dict):
            existing.setdefault("_schema", []).append(message)
        else:
            existing.append(message)
    return details
