"""An audit entry in the manager's words: "Programme changed", "Rule 3", "Points per euro: 1 → 2".

The trail stores stable codes ("program.update", "rule 3", {"points_per_unit": "1"}); the audit page shows
them as sentences. An action or a field no one has words for yet is shown as it is stored, never hidden.
"""
from __future__ import annotations

from flask_babel import gettext as _

from pos_loyalty.panel.manage.change_words import item_field_label, item_value_words, labelled

PROGRAM_FIELDS_OBJECT = "program"


def action_words(action: str) -> str:
    words = {
        "program.update": lambda: _("Programme changed"),
        "rule.create": lambda: _("Rule added"),
        "rule.update": lambda: _("Rule changed"),
        "rule.delete": lambda: _("Rule removed"),
        "reward.create": lambda: _("Reward added"),
        "reward.update": lambda: _("Reward changed"),
        "reward.delete": lambda: _("Reward removed"),
        "catalogue.create": lambda: _("Catalogue item added"),
        "catalogue.update": lambda: _("Catalogue item changed"),
        "category.update": lambda: _("Category renamed"),
        "till.update": lambda: _("Till settings changed"),
        "till.test_print": lambda: _("Test print"),
        "device.bind": lambda: _("Device bound to a till"),
        "device.revoke": lambda: _("Device unbound"),
        "display.pair": lambda: _("Client display paired"),
        "staff.add": lambda: _("Staff member added"),
        "staff.update": lambda: _("Staff member changed"),
        "staff.role": lambda: _("Role changed"),
        "staff.pin": lambda: _("PIN reset"),
        "staff.deactivate": lambda: _("Staff member deactivated"),
        "staff.activate": lambda: _("Staff member reactivated"),
        "token.create": lambda: _("API token created"),
        "token.revoke": lambda: _("API token revoked"),
        "grant.create": lambda: _("Reward granted"),
        "points.adjust": lambda: _("Points added or removed"),
        "referral.create": lambda: _("Referral added"),
        "referral.add": lambda: _("Referral added"),
        "client.create": lambda: _("Client added"),
        "client.update": lambda: _("Client changed"),
        "client.card_revoke": lambda: _("Client card revoked (new link)"),
        "client.export": lambda: _("Client's data exported"),
        "client.export_all": lambda: _("Every client exported (CSV)"),
        "client.erase": lambda: _("Client erased"),
        "client.delete": lambda: _("Client erased"),
        "sale.refund": lambda: _("Sale refunded"),
        "sale.import": lambda: _("Sales imported"),
        "points.recalculate": lambda: _("Points recalculated"),
        "points.reset": lambda: _("Automatic points reset"),
        "mail.retry": lambda: _("E-mail sent again"),
        "client.unsubscribe": lambda: _("Client stopped the e-mails (link of a mail)"),
    }
    return words[action]() if action in words else action


def action_group_words(prefix: str) -> str:
    """The filter's groups: "rule" matches every rule action (the API's `action` filter does the same)."""
    words = {
        "program": lambda: _("Programme"), "rule": lambda: _("Earning rules"), "reward": lambda: _("Rewards"),
        "catalogue": lambda: _("Catalogue"), "category": lambda: _("Catalogue"), "till": lambda: _("Tills"),
        "device": lambda: _("Till devices"), "display": lambda: _("Client displays"), "staff": lambda: _("Staff"),
        "token": lambda: _("API tokens"), "grant": lambda: _("Rewards granted"), "points": lambda: _("Points"),
        "referral": lambda: _("Referrals"), "client": lambda: _("Clients"), "sale": lambda: _("Sales"),
        "mail": lambda: _("E-mails"),
    }
    return words[prefix]() if prefix in words else prefix


def channel_words(channel: str) -> str:
    words = {"panel": lambda: _("back office"), "api": lambda: _("API"), "cli": lambda: _("command line"),
             "mail": lambda: _("link of an e-mail")}
    return words[channel]() if channel in words else channel


def object_words(obj: str) -> str:
    """"rule 3" → "Rule 3", "item CUT" → "Catalogue item CUT", "program" → "Programme"."""
    if obj == PROGRAM_FIELDS_OBJECT:
        return _("Programme")
    kind, _space, name = obj.partition(" ")
    words = {
        "rule": lambda: _("Rule %(name)s", name=name), "reward": lambda: _("Reward %(name)s", name=name),
        "item": lambda: _("Catalogue item %(name)s", name=name), "client": lambda: _("Client %(name)s", name=name),
        "staff": lambda: _("Staff member %(name)s", name=name), "token": lambda: _("Token %(name)s", name=name),
        "till": lambda: _("Till %(name)s", name=name), "device": lambda: _("Device %(name)s", name=name),
        "sale": lambda: _("Sale %(name)s", name=name), "category": lambda: _("Category %(name)s", name=name),
    }
    return words[kind]() if name and kind in words else obj


def change_lines(before: dict | None, after: dict | None) -> list[str]:
    """"field: before → after" per field; a creation shows the new values, a removal the last ones."""
    before, after = before or {}, after or {}
    lines = []
    for name in [*before, *(key for key in after if key not in before)]:
        if name == "id":
            continue  # the object's name says it
        label = item_field_label(name)
        if name not in after:
            lines.append(labelled(label, item_value_words(name, before[name])))
        elif name not in before:
            if after[name] is None or after[name] == "":
                continue  # a creation: only what was set
            lines.append(labelled(label, item_value_words(name, after[name])))
        else:
            lines.append(labelled(label, f"{item_value_words(name, before[name])} → {item_value_words(name, after[name])}"))
    return lines
