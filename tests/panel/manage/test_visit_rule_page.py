"""The stamp card in the back office: the rules page adds a visit rule from the form its schema generates and
reads it as a sentence in the manager's language; the rewards page's switch saves sale_earns off and on."""
import html
import re

import pytest

from salon_setup import add_reward
from tests.panel.logins import csrf_of
from tests.panel.manage.conftest import save

pytestmark = pytest.mark.sqlite_only
ON, OFF = ["false", "true"], ["false"]


def text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).replace("\u202f", " ")


def speak(client, language: str) -> None:
    page = client.get("/manage/").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_of(page), "lang": language})


def rules(api) -> list[dict]:
    return api.ok("GET", "/rules", as_="manager")


def test_the_rules_page_adds_a_visit_rule_and_reads_it_in_every_language(manager, api):
    listing = text(manager.get("/manage/rules").get_data(as_text=True))
    assert "Points per visit (stamp card)" in listing
    form = manager.get("/manage/rules/new/visit").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="points"[^>]*type="number"|<input[^>]*type="number"[^>]*name="points"', form)
    assert 'name="min_amount"' in form and "Minimum paid for the visit to count" in form
    assert "Leave empty: every paid visit counts." in form

    refused = save(manager, "/manage/rules/new/visit", points="0", min_amount="-5", active=ON)
    assert refused.status_code == 422
    assert rules(api) == []

    saved = save(manager, "/manage/rules/new/visit", points="1", min_amount="20", active=ON)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    [rule] = rules(api)
    assert (rule["kind"], rule["points"], rule["min_amount"], rule["active"]) == ("visit", 1, "20.00", True)
    assert "1 point per visit (from €20.00)" in text(manager.get("/manage/rules").get_data(as_text=True))
    speak(manager, "fr")
    assert "1 point par visite (dès 20,00 €)" in text(manager.get("/manage/rules").get_data(as_text=True))
    speak(manager, "it")
    assert "1 punto per visita (da 20,00 €)" in text(manager.get("/manage/rules").get_data(as_text=True))
    speak(manager, "en")

    edited = save(manager, f"/manage/rules/{rule['id']}", points="2", min_amount="", active=ON)
    assert edited.status_code == 302, edited.get_data(as_text=True)
    [rule] = rules(api)
    assert (rule["points"], rule["min_amount"]) == (2, None)
    assert "2 points per visit" in text(manager.get("/manage/rules").get_data(as_text=True))


def test_the_rewards_switch_saves_sale_earns_off_and_back_on(manager, api):
    reward = add_reward(api, "Free visit", 10, value="25.00")
    page = manager.get(f"/manage/rewards/{reward['id']}").get_data(as_text=True)
    assert re.search(r'name="sale_earns" value="true" checked', page)
    assert "A sale using this reward still earns points" in page
    fields = {"name": "Free visit", "kind": "amount_off", "value": "25", "points_cost": "10", "description": "",
              "active": ON}
    off = save(manager, f"/manage/rewards/{reward['id']}", **fields, sale_earns=OFF)
    assert off.status_code == 302, off.get_data(as_text=True)
    assert api.ok("GET", "/rewards", as_="manager")[0]["sale_earns"] is False
    listing = manager.get("/manage/rewards").get_data(as_text=True)
    assert "A sale using it earns no points" in text(listing)
    assert "A sale using it earns points" in text(listing)  # the flash says the change in words
    page = manager.get(f"/manage/rewards/{reward['id']}").get_data(as_text=True)
    assert re.search(r'name="sale_earns" value="true">', page)
    back = save(manager, f"/manage/rewards/{reward['id']}", **fields, sale_earns=ON)
    assert back.status_code == 302
    assert api.ok("GET", "/rewards", as_="manager")[0]["sale_earns"] is True
    assert "A sale using it earns no points" not in text(manager.get("/manage/rewards").get_data(as_text=True))

    created = save(manager, "/manage/rewards", **{**fields, "name": "Stamp card full"}, sale_earns=OFF)
    assert created.status_code == 302
    assert [r["sale_earns"] for r in api.ok("GET", "/rewards", as_="manager")] == [True, False]
