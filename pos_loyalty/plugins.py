"""The plugin manager: hook specifications, entry-point plugins, a plugins folder, the app's own list."""
from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pluggy

from pos_loyalty import hookspecs
from pos_loyalty.core.quote import Earning, EarningContext, Multiplier

ENTRY_POINT_GROUP = "pos_loyalty"
log = logging.getLogger(__name__)


def build_plugin_manager(extra_plugins: Iterable[object] = (), plugins_dir: str | None = None) -> pluggy.PluginManager:
    manager = pluggy.PluginManager("pos_loyalty")
    manager.add_hookspecs(hookspecs)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    if plugins_dir:
        for path in sorted(Path(plugins_dir).glob("*.py")):
            if not path.name.startswith("_"):
                manager.register(_load_file(path), name=f"file:{path}")
    for plugin in extra_plugins:
        if manager.is_registered(plugin):
            continue
        manager.register(plugin)
    return manager


def _load_file(path: Path):
    module_name = f"pos_loyalty_local_plugins.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def plugin_metadata(manager: pluggy.PluginManager) -> list[dict]:
    """Name, version and description of every plugin, for the manager's pages and /api/v1/plugins."""
    rows = []
    for name, plugin in manager.list_name_plugin():
        doc = (getattr(plugin, "__doc__", None) or "").strip().splitlines()
        rows.append({
            "name": getattr(plugin, "PLUGIN_NAME", name),
            "version": getattr(plugin, "__version__", ""),
            "description": doc[0] if doc else "",
        })
    return sorted(rows, key=lambda row: row["name"])


class PluginEarningRules:
    """Adapts the plugin hooks to the core's EarningRuleProvider."""

    def __init__(self, manager: pluggy.PluginManager):
        self._hook = manager.hook

    def multipliers(self, context: EarningContext) -> list[Multiplier]:
        return [m for result in self._hook.loyalty_multipliers(context=context) for m in (result or [])]

    def earnings(self, context: EarningContext, multiplier: Decimal) -> list[Earning]:
        return [e for result in self._hook.loyalty_earnings(context=context, multiplier=multiplier)
                for e in (result or [])]

    def rule_kinds(self) -> dict[str, hookspecs.RuleKind]:
        return {kind.name: kind for result in self._hook.loyalty_rule_kinds() for kind in (result or [])}
