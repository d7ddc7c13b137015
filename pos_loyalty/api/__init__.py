"""The JSON API under /api/v1: one blueprint per resource, one error body, bearer tokens."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api


def register_api(app: Flask, api: Api) -> None:
    from . import clients, printing, program, reports, rewards, sales
    from .errors import register_error_handlers

    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    for module in (program, rewards, clients, sales, printing, reports):
        api.register_blueprint(module.bp)
    register_error_handlers(app)
