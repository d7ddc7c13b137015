"""What the services need from the running app besides the database: the clock and the plugins."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pluggy
from flask import current_app, has_request_context, request

from pos_loyalty.clock import Clock, system_clock
from pos_loyalty.plugins import PluginEarningRules, build_plugin_manager


@dataclass
class Runtime:
    clock: Clock
    plugins: pluggy.PluginManager
    earning_rules: PluginEarningRules
    referral_link_template: str | None  # REFERRAL_LINK; None: the sign-up page's /r/{code} on public_url()
    printer_url: str
    public_url_setting: str | None = None  # PUBLIC_URL

    @classmethod
    def from_config(cls, config) -> "Runtime":
        manager = build_plugin_manager(config.get("PLUGINS") or (), config.get("PLUGINS_DIR"))
        return cls(
            clock=config.get("CLOCK") or system_clock,
            plugins=manager,
            earning_rules=PluginEarningRules(manager),
            referral_link_template=config.get("REFERRAL_LINK"),
            printer_url=config["PRINTER_URL"],
            public_url_setting=config.get("PUBLIC_URL"),
        )

    def public_url(self) -> str:
        """Where clients reach this server (no trailing slash): PUBLIC_URL, else the address the current
        request came to, else the default address of `pos-loyalty serve`."""
        if self.public_url_setting:
            return self.public_url_setting.rstrip("/")
        if has_request_context():
            return request.host_url.rstrip("/")
        return "http://127.0.0.1:5000"

    @property
    def referral_link(self) -> str:
        """The referral link's template, with `{code}` in it."""
        if self.referral_link_template:
            return self.referral_link_template
        return self.public_url().replace("{", "{{").replace("}", "}}") + "/r/{code}"

    def card_url(self, token: str) -> str:
        """The client's own card page."""
        return f"{self.public_url()}/card/{token}"

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise RuntimeError("the clock returned a naive datetime")
        return moment


def runtime() -> Runtime:
    return current_app.extensions["pos_loyalty"]
