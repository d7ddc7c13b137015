"""/manage/versions and /manage/audit: what the programme was at each version, and who did what.

The versions page reads services/versions.list_versions (GET /program/versions) and words each change with
change_words.describe_all. The audit page reads services/audit.audit_entries (GET /audit): its GET form's
fields are the API's query parameters, checked by the API's own AuditQuerySchema, and it pages with the
API's cursor; each entry's before and after are shown as "field: before → after" lines.
"""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.forms import FormErrors, domain_errors, load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.audit_words import (action_group_words, action_words, change_lines, channel_words,
                                                  object_words)
from pos_loyalty.panel.manage.change_words import describe_all, field_label, value_words
from pos_loyalty.panel.manage.page import acting_manager, manager_page, render_form
from pos_loyalty.schemas.history import AuditQuerySchema
from pos_loyalty.services.audit import audit_choices, audit_entries
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.loyalty import decode_cursor, encode_cursor
from pos_loyalty.services.versions import list_versions

VERSIONS_PER_PAGE = 20
AUDIT_PER_PAGE = 50
FILTERS = ("staff", "action", "on", "q")


def first_settings(changes: dict[str, list]) -> list[str]:
    """The first version has nothing before it: its settings as they were set, "Points per euro: 1"."""
    lines = []
    for name, (_before, after) in changes.items():
        if " " in name:  # a rule or a reward: "New rule: …" says it
            lines.extend(describe_all({name: [None, after]}))
        else:
            lines.append(f"{field_label(name)}: {value_words(name, after)}")
    return lines


@bp.route("/versions")
@manager_page
def versions():
    rows = list_versions()
    pages = max(1, -(-len(rows) // VERSIONS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = []
    for row in rows[(page - 1) * VERSIONS_PER_PAGE: page * VERSIONS_PER_PAGE]:
        first = row is rows[-1]
        shown.append({**row, "first": first,
                      "lines": first_settings(row["changes"]) if first else describe_all(row["changes"])})
    return render_template("manage/versions.html", versions=shown, page=page, pages=pages,
                           current=rows[0]["version"] if rows else None)


def filter_choices(salon_id: int, query: dict) -> dict:
    """The staff and actions the trail holds, in words; a value typed in the address stays offered."""
    staff, actions = audit_choices(salon_id)
    if query.get("staff") and query["staff"] not in staff:
        staff.append(query["staff"])
    options = []
    for prefix in sorted({action.partition(".")[0] for action in actions}):
        options.append((prefix, _("%(group)s — all", group=action_group_words(prefix))))
        options.extend((action, "\u2003" + action_words(action)) for action in actions
                       if action.partition(".")[0] == prefix)
    if query.get("action") and query["action"] not in {value for value, _words in options}:
        options.append((query["action"], query["action"]))
    return {"staff": staff, "actions": options}


def entry_view(entry) -> dict:
    return {"id": entry.id, "at": entry.at, "staff": entry.staff, "channel": channel_words(entry.channel),
            "channel_code": entry.channel, "action": action_words(entry.action), "action_code": entry.action,
            "object": object_words(entry.object), "lines": change_lines(entry.before, entry.after)}


@bp.route("/audit")
@manager_page
def audit():
    actor = acting_manager()
    errors: dict = {}
    try:
        query = load_form(AuditQuerySchema(), request.args)
        before_id = decode_cursor(query["cursor"]) if query.get("cursor") else None
    except FormErrors as refused:
        errors, query, before_id = refused.errors, {}, None
    except DomainError as error:  # a cursor this page did not give
        errors, query, before_id = domain_errors(error).errors, {}, None
    rows, following = [], None
    if not errors:
        rows, following = audit_entries(salon_id=actor.salon_id, staff=query.get("staff"),
                                        action=query.get("action"), q=query.get("q"), on=query.get("on"),
                                        zone=salon_time(actor.salon_id).zone, before_id=before_id,
                                        limit=AUDIT_PER_PAGE)
    filters = {name: request.args.get(name) for name in FILTERS if request.args.get(name)}
    return render_form("manage/audit.html", errors=errors, entries=[entry_view(entry) for entry in rows],
                       filters=filters, choices=filter_choices(actor.salon_id, query),
                       next_url=url_for("manage.audit", **filters, cursor=encode_cursor(following))
                       if following else None,
                       newest_url=url_for("manage.audit", **filters) if query.get("cursor") else None)
