"""The manager's back office under /manage: one module per page, all on the `manage` blueprint.

Every page calls the services the JSON API calls and checks its form with the API's schema
(panel/forms.py); cashiers get the panel's 403 page, anonymous visitors the login page.
"""
from __future__ import annotations

from flask import Blueprint

from pos_loyalty.translatable import N_

bp = Blueprint("manage", __name__, url_prefix="/manage")

# The pages, in the order of the back office's menu: (endpoint, label msgid). Each module below adds its
# routes to `bp` when imported.
MENU = [
    ("manage.index", N_("Dashboard")),
    ("manage.program", N_("Programme")),
    ("manage.rules", N_("Earning rules")),
    ("manage.rewards", N_("Rewards")),
    ("manage.catalogue", N_("Catalogue")),
    ("manage.clients", N_("Clients")),
    ("manage.loyalty", N_("Loyalty ranking")),
    ("manage.history", N_("History & recalculation")),
    ("manage.staff", N_("Staff")),
    ("manage.tokens", N_("API tokens")),
    ("manage.tills", N_("Tills")),
    ("manage.versions", N_("Versions")),
    ("manage.audit", N_("Audit trail")),
    ("manage.outbox", N_("E-mails")),
]

from pos_loyalty.panel.manage import (  # noqa: E402,F401 - registers the routes
    audit_pages, catalogue, client_card, clients, dashboard, preview, privacy_pages, program, rewards, rules, staff,
    tills, tokens,
)
from pos_loyalty.panel.manage import loyalty  # noqa: E402,F401 - the loyalty ranking's pages
from pos_loyalty.panel.manage import history_tools  # noqa: E402,F401 - import, recalculation and reset of history
from pos_loyalty.panel.manage import client_codes  # noqa: E402,F401 - the client's milestone codes
from pos_loyalty.panel.manage import outbox  # noqa: E402,F401 - the e-mail outbox
