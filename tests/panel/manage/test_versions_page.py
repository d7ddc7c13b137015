"""/manage/versions: every programme version, newest first, with who, when and its change in words."""
import re

import pytest

from salon_setup import add_item, add_reward, add_rule, set_program
from tests.panel.manage.conftest import save
from tests.panel.manage.test_program_page import FORM

pytestmark = pytest.mark.sqlite_only


def versions_in(page: str) -> list[int]:
    return [int(number) for number in re.findall(r'data-version="(\d+)"', page)]


def block(page: str, version: int) -> str:
    found = re.search(rf'<li class="version" id="version-{version}".*?</li>\s*(?=<li class="version"|</ol>)', page, re.S)
    assert found, page
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def test_each_version_says_who_when_and_what_changed_in_words(manager, api):
    save(manager, "/manage/program", **{**FORM, "points_per_unit": "2"})  # by Isabelle, on the page
    add_item(api, "CUT", "Coupe", "40.00")
    rule = add_rule(api, kind="service", service_code="CUT", points=50)  # by the API's manager token
    reward = add_reward(api, "10 € off", 100)
    api.ok("PATCH", f"/rewards/{reward['id']}", {"points_cost": 150, "description": "Sur toute prestation"},
           as_="manager")
    api.ok("PATCH", f"/rewards/{reward['id']}", {"active": False}, as_="manager")
    page = manager.get("/manage/versions").get_data(as_text=True)
    numbers = versions_in(page)
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 6
    newest, *_ = numbers
    ratio = block(page, newest - 4)
    assert "by Isabelle" in ratio and "Points per euro: 1 → 2" in ratio, ratio
    assert "22 Nov 2026" in ratio or "22/11/2026" in ratio, ratio
    new_rule = block(page, newest - 3)
    assert "Ana (manager)" in new_rule and re.search("New rule: 50 points .*(CUT|Coupe)", new_rule), new_rule
    assert f"Rule {rule['id']}" not in new_rule
    assert "New reward: “10 € off”" in block(page, newest - 2)
    raised = block(page, newest - 1)
    assert re.search(rf"Reward {reward['id']}: “10 € off”[^→]*100 points → “10 € off”[^→]*150 points", raised), raised
    assert "Description: — → Sur toute prestation" in raised, raised  # what the sentence leaves out
    assert f"Reward {reward['id']} retired" in block(page, newest), block(page, newest)
    assert "in force" in block(page, newest) and "in force" not in block(page, newest - 1)
    assert "{'" not in page and '{"' not in page  # never raw data


def test_the_first_version_shows_the_settings_it_started_with(manager):
    page = manager.get("/manage/versions").get_data(as_text=True)
    first = block(page, 1)
    assert "first settings" in first and "Points per euro: 1" in first and "→" not in first, first


def test_a_long_history_is_paged_newest_first(manager, api):
    for bonus in range(1, 26):  # 25 changes: 26 versions
        set_program(api, welcome_bonus=bonus)
    first = manager.get("/manage/versions").get_data(as_text=True)
    assert versions_in(first) == list(range(26, 6, -1))
    assert "Page 1 of 2" in first and "Welcome bonus: 24 points → 25 points" in block(first, 26)
    second = manager.get("/manage/versions?page=2").get_data(as_text=True)
    assert versions_in(second) == list(range(6, 0, -1))
    assert manager.get("/manage/versions?page=99").status_code == 200
    assert versions_in(manager.get("/manage/versions?page=nope").get_data(as_text=True))[0] == 26
