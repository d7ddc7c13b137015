"""GET /api/v1/program/versions and GET /api/v1/audit: what changed, who did it, when (managers)."""
from __future__ import annotations

from flask_smorest import Blueprint

from pos_loyalty.schemas.history import AuditPageSchema, AuditQuerySchema, VersionSchema
from pos_loyalty.services.audit import audit_entries
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.loyalty import decode_cursor, encode_cursor
from pos_loyalty.services.versions import list_versions

from .auth import current_actor, requires

bp = Blueprint("history", __name__, url_prefix="/api/v1", description="Program versions and the audit trail")


@bp.route("/program/versions", methods=["GET"])
@requires("manager")
@bp.response(200, VersionSchema(many=True))
def program_versions():
    """Every version of the program, newest first, with what changed against the one before."""
    return list_versions()


@bp.route("/audit", methods=["GET"])
@requires("manager")
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditPageSchema)
def audit(query):
    """Every manager action (pages, API, command line), newest first; filter by staff, action, text, day."""
    actor = current_actor()
    cursor = query.get("cursor")
    rows, following = audit_entries(salon_id=actor.salon_id, staff=query.get("staff"), action=query.get("action"),
                                    q=query.get("q"), on=query.get("on"), zone=salon_time(actor.salon_id).zone,
                                    before_id=decode_cursor(cursor) if cursor else None)
    return {"items": rows, "next": encode_cursor(following) if following else None}
