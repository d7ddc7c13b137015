"""/manage/rewards: rewards created, edited, retired, offered again and deleted from the page, read back
through the API; each save a programme version said in words; a bad value refused by its field and nothing
saved; a reward raised from 100 to 150 points leaves the redemption made at 100 in the history."""
import html
import re

import pytest

from salon_setup import add_item, add_reward, give_points, new_client
from tests.panel.logins import log_in
from tests.panel.manage.conftest import save

pytestmark = pytest.mark.sqlite_only

ON = ["false", "true"]
DISCOUNT = {"name": "10 € off", "kind": "amount_off", "value": "10", "points_cost": "100", "description": "",
            "active": ON}
FREE = {"name": "Brushing offert", "kind": "free_item", "value": "BRUSH", "points_cost": "200", "description": "",
        "active": ON}


@pytest.fixture
def catalogue(api):
    add_item(api, "BRUSH", "Brushing", "30.00", category="cut")
    add_item(api, "SHAMP", "Shampooing", "15.00", kind="product", category="retail")


def rewards(api) -> list[dict]:
    return api.ok("GET", "/rewards", as_="manager")


def version(api) -> int:
    return api.ok("GET", "/program")["version"]


def text(page: str) -> str:
    """The page's words, tags and extra spaces removed (no-break spaces as spaces)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).replace("\u202f", " ")


def flash(client) -> str:
    page = client.get("/manage/rewards").get_data(as_text=True)
    found = re.search(r'<p class="message (?:ok|info)">([^<]+)</p>', page)
    assert found, page
    return html.unescape(found.group(1)).replace("\xa0", " ")


def field_error(page: str, field: str) -> str:
    """The error under the field: it marks the field invalid and names its own message."""
    found = re.search(rf'name="{field}"[^>]*aria-invalid="true"[^>]*>.*?<span class="field-error" id="{field}-error">'
                      r"([^<]+)", page, re.S)
    assert found, page
    return html.unescape(found.group(1))


def test_the_list_reads_rewards_as_sentences_with_the_items_name_and_the_salons_money(manager, api, catalogue):
    add_reward(api, "Remise", 100, value="7.50")
    add_reward(api, "Pourcentage", 150, kind="percent_off", value="12.5")
    add_reward(api, "Brushing offert", 200, kind="free_item", value="BRUSH")
    words = text(manager.get("/manage/rewards").get_data(as_text=True))
    assert "Remise €7.50 off for 100 points offered" in words
    assert "Pourcentage 12.5 % off for 150 points offered" in words
    assert "Brushing offert a free Brushing for 200 points offered" in words  # the catalogue's name, not BRUSH


def test_each_form_posts_one_value_a_box_for_a_discount_a_select_of_the_catalogue_for_a_free_item(manager,
                                                                                                    catalogue):
    page = manager.get("/manage/rewards").get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/manage/rewards"[^>]*data-kind="(\w+)"[^>]*>(.*?)</form>',
                       page, re.S)
    assert [kind for kind, _ in forms] == ["discount", "free_item"]
    for kind, body in forms:
        assert len(re.findall(r'name="value"', body)) == 1, kind
        for name in ("name", "kind", "points_cost", "description", "active"):
            assert f'name="{name}"' in body, (kind, name)
    discount, free = forms[0][1], forms[1][1]
    assert re.search(r'<input name="value" type="text"', discount)
    assert re.search(r'<option value="amount_off"[^>]*>.*?<option value="percent_off"', discount, re.S)
    assert re.search(r'<select name="value"', free)
    assert '<option value="BRUSH">Brushing · €30.00</option>' in free
    assert '<option value="SHAMP">Shampooing · €15.00</option>' in free
    assert '<input type="hidden" name="kind" value="free_item">' in free


def test_a_discount_and_a_free_item_created_from_the_page_read_back_through_the_api(manager, api, catalogue):
    before = version(api)
    assert save(manager, "/manage/rewards", **{**DISCOUNT, "value": "7,5", "description": "Dès 100 points"}
                ).status_code == 302
    assert flash(manager) == f"Saved as version {before + 1}: New reward: “10 € off”: €7.50 off for 100 points"
    assert save(manager, "/manage/rewards", **{**FREE, "value": "brush"}).status_code == 302
    assert flash(manager) == (f"Saved as version {before + 2}: New reward: “Brushing offert”: a free Brushing for "
                              "200 points")
    assert [{k: r[k] for k in ("name", "kind", "value", "points_cost", "description", "active")}
            for r in rewards(api)] == [
        {"name": "10 € off", "kind": "amount_off", "value": "7.50", "points_cost": 100,
         "description": "Dès 100 points", "active": True},
        {"name": "Brushing offert", "kind": "free_item", "value": "BRUSH", "points_cost": 200, "description": "",
         "active": True}]
    assert version(api) == before + 2


@pytest.mark.parametrize("form, field, message", [
    ({**DISCOUNT, "name": ""}, "name", "Required."),
    ({**DISCOUNT, "name": "   "}, "name", "Required."),
    ({**DISCOUNT, "kind": "percent_off", "value": "101"}, "value", "A percentage is above 0 and at most 100."),
    ({**DISCOUNT, "kind": "percent_off", "value": "0"}, "value", "A percentage is above 0 and at most 100."),
    ({**DISCOUNT, "value": "dix"}, "value", "An amount off is above 0"),
    ({**DISCOUNT, "value": "-5"}, "value", "An amount off is above 0"),
    ({**FREE, "value": "NOPE"}, "value", "No service or product of the catalogue has this code."),
    ({**FREE, "value": ""}, "value", "Required."),
    ({**DISCOUNT, "points_cost": "0"}, "points_cost", "From 1 to"),
])
def test_a_bad_value_is_refused_by_its_field_and_nothing_is_saved(manager, api, catalogue, form, field, message):
    add_reward(api, "Déjà là", 50)
    before, then = rewards(api), version(api)
    response = save(manager, "/manage/rewards", **form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field).startswith(message)
    assert "Nothing was saved" in page
    assert f'value="{form["name"]}"' in page  # what was typed is kept
    assert rewards(api) == before and version(api) == then


def test_an_empty_name_and_a_percent_over_100_are_both_told_at_once(manager, api):
    response = save(manager, "/manage/rewards", **{**DISCOUNT, "name": "", "kind": "percent_off", "value": "101"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "name") == "Required."
    assert field_error(page, "value") == "A percentage is above 0 and at most 100."
    assert rewards(api) == []


def test_the_api_refuses_what_the_page_refuses_by_the_same_field(api, catalogue):
    for body, message in [({"kind": "percent_off", "value": "101"}, "A percentage is above 0 and at most 100."),
                          ({"kind": "amount_off", "value": "0.00"}, "An amount off is above 0"),
                          ({"kind": "amount_off", "value": "1.234"}, "An amount off is above 0"),
                          ({"kind": "free_item", "value": "two words"}, "Give the code of a service or product"),
                          ({"kind": "free_item", "value": "NOPE"}, "Unknown item code")]:
        code, answer = api.call("POST", "/rewards", {"name": "X", "points_cost": 10, **body}, as_="manager")
        assert code == 422, (body, answer)
        assert answer["error"]["details"]["value"][0].startswith(message), (body, answer)
        # refused by the schema itself, as the page's form is, not later by the service
        assert answer["error"]["code"] == ("unknown_item" if message == "Unknown item code" else "validation_error")
    assert rewards(api) == []


def test_a_reward_raised_from_100_to_150_keeps_the_redemption_at_100_and_eligibility_follows_150(manager, api,
                                                                                                catalogue):
    save(manager, "/manage/rewards", **DISCOUNT)
    reward = rewards(api)[0]
    client = new_client(api, "Léa", "Bernard")
    give_points(api, client["id"], 120)
    sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [{"code": "SHAMP", "quantity": 1}]})
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": held["due"], "method": "card"})
    available = api.ok("GET", f"/clients/{client['id']}/loyalty")["available"]
    assert 100 <= available + 100 < 150 + 100 and available < 150  # 20 left + what the 5,00 € paid earned

    before = version(api)
    page = manager.get(f"/manage/rewards/{reward['id']}").get_data(as_text=True)
    assert 'name="points_cost" type="number" value="100"' in page
    assert save(manager, f"/manage/rewards/{reward['id']}", **{**DISCOUNT, "points_cost": "150"}).status_code == 302
    assert flash(manager) == (f"Saved as version {before + 1}: Reward {reward['id']}: “10 € off”: €10.00 off for "
                              "100 points → “10 € off”: €10.00 off for 150 points")
    assert api.ok("GET", f"/rewards/{reward['id']}", as_="manager")["points_cost"] == 150

    # the history keeps 100: the ledger's deduction, the sale's redemption, the reward obtained
    ledger = api.ok("GET", f"/clients/{client['id']}/ledger")["items"]
    assert [entry["points"] for entry in ledger if entry["kind"] == "redeem"] == [-100]
    assert api.ok("GET", f"/sales/{sale['id']}")["redemptions"][0]["points_cost"] == 100
    obtained = api.ok("GET", f"/clients/{client['id']}/rewards")
    assert [(r["reward_id"], r["points_cost"], r["status"]) for r in obtained] == [(reward["id"], 100, "redeemed")]
    loyalty = api.ok("GET", f"/clients/{client['id']}/loyalty")
    # eligibility follows 150
    assert loyalty["eligible_rewards"] == []
    assert loyalty["next_reward"] == {"id": reward["id"], "name": "10 € off", "points_cost": 150,
                                      "points_missing": 150 - available}


def test_a_free_item_reward_becomes_a_discount_with_the_other_form_of_its_page(manager, api, catalogue):
    reward = add_reward(api, "Brushing offert", 200, kind="free_item", value="BRUSH")
    page = manager.get(f"/manage/rewards/{reward['id']}").get_data(as_text=True)
    assert '<option value="BRUSH" selected>' in page and page.count('name="value"') == 1
    assert f'href="/manage/rewards/{reward["id"]}?form=discount">Make it a discount instead' in page
    page = manager.get(f"/manage/rewards/{reward['id']}?form=discount").get_data(as_text=True)
    assert re.findall(r'data-kind="(\w+)"', page) == ["discount"]
    assert 'name="name" type="text" value="Brushing offert"' in page and '<input name="value" type="text" value=""' in page
    save(manager, f"/manage/rewards/{reward['id']}", **{**FREE, "kind": "percent_off", "value": "15"})
    assert api.ok("GET", f"/rewards/{reward['id']}", as_="manager")["kind"] == "percent_off"
    assert ("“Brushing offert”: a free Brushing for 200 points → “Brushing offert”: 15 % off for 200 points"
            in flash(manager))


def test_an_edit_refused_is_shown_on_its_own_form_and_changes_nothing(manager, api, catalogue):
    reward = add_reward(api, "Brushing offert", 200, kind="free_item", value="BRUSH")
    before, then = rewards(api), version(api)
    for form, field, message in [({**FREE, "value": "GONE"}, "value",
                                  "No service or product of the catalogue has this code."),
                                 ({**FREE, "name": ""}, "name", "Required."),
                                 ({**DISCOUNT, "value": "150,5", "kind": "percent_off"}, "value",
                                  "A percentage is above 0 and at most 100.")]:
        response = save(manager, f"/manage/rewards/{reward['id']}", **form)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert field_error(page, field) == message
        assert page.count('name="value"') == 1  # only the form that was posted, with its errors
        assert re.findall(r'data-kind="(\w+)"', page) == ["free_item" if form["kind"] == "free_item" else "discount"]
        assert rewards(api) == before and version(api) == then


def test_a_new_description_alone_is_said_and_a_save_without_change_makes_no_version(manager, api):
    save(manager, "/manage/rewards", **DISCOUNT)
    reward_id = rewards(api)[0]["id"]
    then = version(api)
    save(manager, f"/manage/rewards/{reward_id}", **DISCOUNT)
    assert flash(manager) == "Nothing changed." and version(api) == then
    save(manager, f"/manage/rewards/{reward_id}", **{**DISCOUNT, "description": "Le samedi aussi"})
    assert flash(manager) == (f"Saved as version {then + 1}: Reward {reward_id}: Description: — → "
                              "Le samedi aussi")
    assert rewards(api)[0]["description"] == "Le samedi aussi"


def test_retired_then_offered_again_then_deleted_each_a_version(manager, api):
    save(manager, "/manage/rewards", **DISCOUNT)
    reward_id = rewards(api)[0]["id"]
    client = new_client(api, "Léa", "Bernard")
    give_points(api, client["id"], 300)

    def offered() -> list[int]:
        return [r["id"] for r in api.ok("GET", f"/clients/{client['id']}/loyalty")["eligible_rewards"]]

    then = version(api)
    assert offered() == [reward_id]
    save(manager, f"/manage/rewards/{reward_id}/active", active="false")
    assert flash(manager) == (f"Saved as version {then + 1}: Reward {reward_id} retired: “10 € off”: €10.00 off "
                              "for 100 points")
    assert rewards(api)[0]["active"] is False and offered() == []
    page = manager.get("/manage/rewards").get_data(as_text=True)
    assert re.search(rf'id="reward-{reward_id}" data-reward="{reward_id}" class="retired".*?badge off">retired<.*?Offer again', page, re.S)

    save(manager, f"/manage/rewards/{reward_id}/active", active="true")
    assert flash(manager) == (f"Saved as version {then + 2}: Reward {reward_id} offered again: “10 € off”: "
                              "€10.00 off for 100 points")
    assert rewards(api)[0]["active"] is True and offered() == [reward_id]

    save(manager, f"/manage/rewards/{reward_id}/delete")
    assert flash(manager) == (f"Saved as version {then + 3}: Reward removed: “10 € off”: €10.00 off for "
                              "100 points")
    assert rewards(api) == [] and version(api) == then + 3
    assert api.call("GET", f"/rewards/{reward_id}", as_="manager")[0] == 404
    assert manager.get(f"/manage/rewards/{reward_id}").status_code == 404
    actions = [e["action"] for e in api.ok("GET", "/audit", as_="manager", query={"action": "reward"})["items"]]
    assert actions[:4] == ["reward.delete", "reward.update", "reward.update", "reward.create"]


def test_a_cashier_gets_the_403_page(client, staff, api):
    reward = add_reward(api, "10 € off", 100)
    log_in(client, "Camille", "1234")
    for path in ("/manage/rewards", f"/manage/rewards/{reward['id']}"):
        assert client.get(path).status_code == 403
    for path in ("/manage/rewards", f"/manage/rewards/{reward['id']}", f"/manage/rewards/{reward['id']}/active",
                 f"/manage/rewards/{reward['id']}/delete"):
        assert client.post(path, data=DISCOUNT).status_code in (400, 403)
    assert rewards(api)[0]["points_cost"] == 100 and rewards(api)[0]["active"] is True
