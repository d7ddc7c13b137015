"""The client's own card (/card/<token>) in milestone mode: the codes to use (big, copyable, with their
reward), the used and voided ones greyed, and the next threshold with the progress of lifetime points."""
from __future__ import annotations

from pos_loyalty.services import milestones
from pos_loyalty.services.program import list_rewards


def milestone_card(client_id: int) -> dict | None:
    """None in redeem mode (the card shows rewards bought with points, as before)."""
    if not milestones.in_milestone_mode():
        return None
    lifetime = milestones.lifetime_points(client_id)
    codes = milestones.client_codes(client_id)
    ahead = sorted((reward for reward in list_rewards(active_only=True) if reward.points_cost > lifetime),
                   key=lambda reward: (reward.points_cost, reward.id))
    following = ahead[0] if ahead else None
    return {"lifetime": lifetime,
            "usable": [code for code in codes if code["status"] == "issued"],
            "spent": [code for code in codes if code["status"] != "issued"],
            "next": {"name": following.name, "points_cost": following.points_cost,
                     "missing": following.points_cost - lifetime} if following else None}
