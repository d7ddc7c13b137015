"""The manager's back office under /manage: one module per page, all on the `manage` blueprint.

Every page calls the services the JSON API calls and checks its form with the API's schema
(panel/forms.py); cashiers get the panel's 403 page, anonymous visitors the login page.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

# The pages, in the order of the back office's menu: (endpoint, label msgid). Each module below adds its
# routes to `bp` when imported.
MENU = [
    ("manage.index", "Dashboard"),
    ("manage.program", "Programme"),
    ("manage.rules", "Earning rules"),
    ("manage.rewards", "Rewards"),
    ("manage.catalogue", "Catalogue"),
    ("manage.clients", "Clients"),
    ("manage.staff", "Staff"),
    ("manage.tokens", "API tokens"),
    ("manage.tills", "Tills"),
    ("manage.versions", "Versions"),
    ("manage.audit", "Audit trail"),
]

from pos_loyalty.panel.manage import (  # noqa: E402,F401 - registers the routes
    audit_pages, catalogue, clients, dashboard, preview, program, rewards, rules, staff, tills, tokens,
)
