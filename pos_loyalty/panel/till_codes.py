"""Milestone codes at the till: the attached client's usable codes as buttons (a tap redeems), and a
"Type a code" field that works with or without a client attached (a code attaches its owner).

Redeeming goes through the same service as POST /sales/{id}/redemptions {"code"}; the panel only decides
which client the sale is for. A refusal (used, voided, another client's, a discount code already on the
sale) is said in the ticket, in the page's language, and changes nothing (the step's transaction rolls back).
"""
from __future__ import annotations

from flask import request, session
from flask_babel import gettext as _

from pos_loyalty.core.errors import Conflict, DomainError
from pos_loyalty.panel.auth import staff_required
from pos_loyalty.panel.checkout import attach, back_to_checkout, bp, current_screen, focus_next
from pos_loyalty.panel.context import panel_actor
from pos_loyalty.panel.milestone_words import code_refusal
from pos_loyalty.core.milestones import normalise_code
from pos_loyalty.services import milestones, redemptions, sales
from pos_loyalty.services.program import list_rewards


@bp.app_template_global("milestone_till")
def milestone_mode() -> bool:
    return milestones.in_milestone_mode()


def milestone_panel(panel: dict, sale: dict | None) -> dict:
    """The client card's data in milestone mode: no reward bought with points; the usable codes; the next
    threshold by lifetime points (points are never spent)."""
    client_id = panel["client"].id
    lifetime = milestones.lifetime_points(client_id)
    ahead = [reward for reward in list_rewards(active_only=True) if reward.points_cost > lifetime]
    following = min(ahead, key=lambda reward: (reward.points_cost, reward.id)) if ahead else None
    return {**panel, "milestone": True, "lifetime": lifetime, "offers": [],
            "grants": [grant for grant in panel["grants"] if grant.source != "milestone"],
            "codes": milestones.usable_codes(client_id),
            "next_offer": {"id": following.id, "name": following.name,
                           "missing": following.points_cost - lifetime} if following else None}


class CodeRefused(Conflict):
    """A refusal already in the cashier's words (panel/messages.say shows its message as it is)."""


@bp.route("/panel/codes", methods=["POST"])
@staff_required()
@back_to_checkout
def redeem_code():
    actor, screen = panel_actor(), current_screen()
    typed = request.form.get("code", "")[:40]
    try:
        code = normalise_code(typed)
        if code is None:
            raise CodeRefused(_("A code is six letters."), code="code_refused")
        open_sale = bool(screen.sale_id) and sales.sale_status(actor, screen.sale_id) == "open"
        attached = sales.get_sale(actor, screen.sale_id).client_id if open_sale else screen.client_id
        grant = redemptions.usable_code(code, attached)  # the API's own checks, before anything changes
        if attached is None:
            attach(grant.client_id)  # the code's owner is the sale's client
        if open_sale:
            focus_next("amount")
            redemptions.redeem_code(actor, screen.sale_id, code)
            return None
        # No sale yet: held by the first line, as a reward tapped before it is (checkout.pending_reward).
        session["pending_reward"] = {"reward_id": grant.reward_id, "grant_id": grant.id,
                                     "client_id": grant.client_id}
        focus_next("catalogue-filter")
    except CodeRefused:
        raise
    except DomainError as error:
        raise CodeRefused(code_refusal(error), code="code_refused") from None
    return None
