"""What the services need from the running app besides the database: the clock and the plugins."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pluggy
from flask import current_app

from pos_loyalty.clock import Clock, system_clock
from pos_loyalty.plugins import PluginEarningRules, build_plugin_manager


@dataclass
class Runtime:
    clock: Clock
    plugins: pluggy.PluginManager
    earning_rules: PluginEarningRules
    referral_link: str
    printer_url: str

    @classmethod
    def from_config(cls, config) -> "Runtime":
        manager = build_plugin_manager(config.get("PLUGINS") or (), config.get("PLUGINS_DIR"))
        return cls(
            clock=config.get("CLOCK") or system_clock,
            plugins=manager,
            earning_rules=PluginEarningRules(manager),
            referral_link=config["REFERRAL_LINK"],
            printer_url=config["PRINTER_URL"],
        )

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise RuntimeError("the clock returned a naive datetime")
        return moment


def runtime() -> Runtime:
    return current_app.extensions["pos_loyalty"]
