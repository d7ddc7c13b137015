"""Plugins: the bundled rule kinds come through the entry-point group; an outside plugin changes the quote
and the credit without a line of the core changing."""
import pytest

import birthday_plugin
from conftest import ApiClient, make_tokens
from pos_loyalty import create_app
from pos_loyalty.plugins import plugin_metadata
from salon_setup import add_item, balance, new_client, sell


@pytest.fixture
def birthday_api(app_config):
    app = create_app({**app_config, "PLUGINS": [birthday_plugin]})
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon

        ensure_salon()
    return ApiClient(app.test_client(), *make_tokens(app))


def test_bundled_rule_kinds_are_plugins(app):
    names = {row["name"] for row in plugin_metadata(app.extensions["pos_loyalty"].plugins)}
    assert {"spend", "service-points", "multiplier", "referral", "visit"} <= names
    kinds = app.extensions["pos_loyalty"].earning_rules.rule_kinds()
    assert {"service", "category", "multiplier", "visit"} <= set(kinds)


def test_birthday_plugin_doubles_points_in_the_birthday_month(birthday_api):
    api = birthday_api
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    november = new_client(api, "Claire", "Noël", birth_date="1990-11-03")
    june = new_client(api, "Julie", "Morel", birth_date="1988-06-12")

    quote = sell(api, november["id"], ("CUT", 1, "40.00"), pay=False)
    assert quote["quote"]["points_to_earn"] == 80
    assert quote["quote"]["earnings"][0]["description"].endswith("×2")
    api.ok("POST", f"/sales/{quote['id']}/payments", {"amount": "40.00", "method": "card"})
    assert balance(api, november["id"]) == 80
    assert sell(api, june["id"], ("CUT", 1, "40.00"))["points_earned"] == 40


def test_without_the_plugin_no_birthday_bonus(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    november = new_client(api, "Claire", "Noël", birth_date="1990-11-03")
    assert sell(api, november["id"], ("CUT", 1, "40.00"))["points_earned"] == 40


def test_plugins_folder_is_loaded(app_config, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "flat_bonus.py").write_text(
        "from pos_loyalty.hookspecs import Earning, hookimpl\n"
        "PLUGIN_NAME = 'flat-bonus'\n"
        "@hookimpl\n"
        "def loyalty_earnings(context, multiplier):\n"
        "    return [Earning(kind='bonus', points=5, description='Visit bonus')] if context.sale_earns else []\n"
    )
    app = create_app({**app_config, "PLUGINS_DIR": str(folder)})
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon

        ensure_salon()
    api = ApiClient(app.test_client(), *make_tokens(app))
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Inès", "Blanc")
    assert sell(api, client["id"], ("CUT", 1, "40.00"))["points_earned"] == 45
