"""/manage/audit: every manager action (pages, API, command line) in words, filtered and paged as GET /audit."""
import re
from datetime import timedelta

import pytest

from salon_setup import add_item, add_rule, give_points, new_client, set_program
from tests.conftest import START
from tests.panel.manage.conftest import save
from tests.panel.manage.test_program_page import FORM

pytestmark = pytest.mark.sqlite_only


def shown(page: str) -> list[int]:
    """The entries of the page, by id, in their order."""
    return [int(number) for number in re.findall(r'data-entry="(\d+)"', page)]


def row(page: str, action: str) -> str:
    found = re.search(rf'<tr data-action="{re.escape(action)}".*?</tr>', page, re.S)
    assert found, (action, page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


def api_ids(api, **query) -> list[int]:
    return [item["id"] for item in api.ok("GET", "/audit", as_="manager", query=query)["items"]]


@pytest.fixture
def trail(app, api, manager, clock):
    """A day of actions the day before (API), then today: the programme page, the API and the command line."""
    clock.set(START - timedelta(days=1))
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    rule = add_rule(api, kind="service", service_code="CUT", points=50)
    clock.set(START)
    save(manager, "/manage/program", **{**FORM, "points_per_unit": "2"})
    client = new_client(api, "Léa", "Bernard")
    give_points(api, client["id"], 40, "Geste commercial, cliente fidèle")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["token", "create", "--role", "till", "--name", "till-9"]).exit_code == 0
    return {"rule": rule, "client": client}


def test_every_action_is_shown_in_words_newest_first_from_each_channel(manager, api, trail):
    page = manager.get("/manage/audit").get_data(as_text=True)
    assert shown(page) == api_ids(api) and shown(page) == sorted(shown(page), reverse=True)
    program = row(page, "program.update")
    assert "Isabelle" in program and "back office" in program and "Programme changed" in program
    assert "Points per euro: 1 → 2" in program, program
    adjust = row(page, "points.adjust")
    assert "Ana (manager)" in adjust and "API" in adjust and f"Client {trail['client']['id']}" in adjust
    assert "Balance: 0 → 40" in adjust and "Reason: Geste commercial, cliente fidèle" in adjust, adjust
    token = row(page, "token.create")
    assert "command line" in token and "API token created" in token and "Role: till" in token, token
    rule = row(page, "rule.create")
    assert "Rule added" in rule and f"Rule {trail['rule']['id']}" in rule and "Points: 50" in rule, rule
    assert "21/11/2026" in rule and "22/11/2026" in program  # when, in the salon's time
    body = page.split('<table class="list audit">')[1]
    assert "program.update" not in re.sub(r'data-action="[^"]*"', "", body)  # codes are words on the page
    assert "{'" not in body and '{"' not in body and "null" not in body  # never raw JSON


@pytest.mark.parametrize("query", [
    {"staff": "Isabelle"},
    {"staff": "command line"},
    {"action": "rule"},  # a group: every rule action
    {"action": "points.adjust"},
    {"on": "2026-11-21"},
    {"q": "coupe"},  # the words anywhere: the item's name in its values
    {"q": "fidèle"},  # kept escaped in the JSON column, found all the same
    {"q": "till-9", "staff": "command line", "on": "2026-11-22"},
])
def test_the_filters_are_the_apis(manager, api, trail, query):
    page = manager.get("/manage/audit", query_string=query)
    assert page.status_code == 200
    ids = shown(page.get_data(as_text=True))
    assert ids == api_ids(api, **query) and ids and len(ids) < len(api_ids(api)), (query, ids)


def test_a_filter_names_what_it_matched(manager, api, trail):
    page = manager.get("/manage/audit", query_string={"on": "2026-11-21"}).get_data(as_text=True)
    assert set(re.findall(r'data-action="([^"]+)"', page)) == {"catalogue.create", "rule.create"}
    assert 'value="2026-11-21"' in page  # the form keeps the filter
    assert re.search(r'<option value="rule"[^>]*>Earning rules — all', page)
    chosen = manager.get("/manage/audit", query_string={"staff": "Isabelle"}).get_data(as_text=True)
    assert '<option value="Isabelle" selected>' in chosen
    assert "No action matches" in manager.get("/manage/audit", query_string={"q": "zzz"}).get_data(as_text=True)


@pytest.mark.parametrize("field, value", [
    ("on", "2026-13-45"),
    ("q", "x" * 81),
    ("staff", "a" * 81),
    ("q", "nul\x00byte"),
    ("cursor", "not-a-cursor"),
])
def test_a_bad_filter_is_refused_by_its_field_as_the_api_refuses_it(manager, api, trail, field, value):
    code, answer = api.call("GET", "/audit", as_="manager", query={field: value})
    assert code in (400, 422), (code, answer)
    response = manager.get("/manage/audit", query_string={field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot be used" in page and "data-entry" not in page
    if field != "cursor":  # a hidden field: its message stands above the form
        assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', page), page
        assert f'id="{field}-error"' in page


def test_a_long_trail_is_paged_with_the_apis_cursor(manager, api, trail):
    for bonus in range(1, 56):
        set_program(api, welcome_bonus=bonus)
    everything = []
    cursor = None
    while True:
        answer = api.ok("GET", "/audit", as_="manager", query={"cursor": cursor} if cursor else None)
        everything += [item["id"] for item in answer["items"]]
        cursor = answer["next"]
        if not cursor:
            break
    first = manager.get("/manage/audit").get_data(as_text=True)
    assert shown(first) == everything[:50]
    older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = manager.get(older).get_data(as_text=True)
    assert shown(second) == everything[50:100] and "Newest" in second
    assert "Welcome bonus: 54 points → 55 points" in row(first, "program.update")
    filtered = manager.get("/manage/audit", query_string={"action": "program"}).get_data(as_text=True)
    older = re.search(r'href="([^"]+)" rel="next"', filtered).group(1).replace("&amp;", "&")
    assert "action=program" in older  # the next page keeps the filter
    assert all(action == "program.update" for action in re.findall(r'data-action="([^"]+)"',
                                                                    manager.get(older).get_data(as_text=True)))
