"""A sale open while the manager changes the programme is charged by the version in force when it is paid,
and its confirmation (the done page, the API's payment answer) names that version."""
import re

import pytest

from salon_setup import add_item, new_client
from tests.panel.logins import csrf_of, log_in
from tests.panel.manage.conftest import save
from tests.panel.manage.test_program_page import FORM

pytestmark = pytest.mark.sqlite_only


def cashier_at_the_till(app):
    """Camille signed in at till-1 in another browser, the panel in English; with the page's CSRF token."""
    cashier = app.test_client()
    log_in(cashier, "Camille", "1234")
    cashier.post("/language", data={"csrf_token": csrf_of(cashier.get("/").get_data(as_text=True)), "lang": "en"})
    return cashier, csrf_of(cashier.get("/").get_data(as_text=True))


def version(api) -> int:
    return api.ok("GET", "/program", as_="manager")["version"]


def test_the_till_pays_by_the_version_in_force_and_the_done_page_names_it(app, api, manager):
    add_item(api, "CUT", "Coupe", "40.00")
    client = new_client(api, "Léa", "Bernard")
    cashier, csrf = cashier_at_the_till(app)
    assert cashier.post("/panel/attach", data={"csrf_token": csrf, "client_id": client["id"]}).status_code == 302
    assert cashier.post("/panel/lines", data={"csrf_token": csrf, "code": "CUT"}).status_code == 302
    opened_under = version(api)

    assert save(manager, "/manage/program", **{**FORM, "points_per_unit": "2"}).status_code == 302
    doubled = version(api)
    assert doubled == opened_under + 1

    paid = cashier.post("/panel/pay", data={"csrf_token": csrf, "amount": "40,00", "method": "card"})
    assert paid.status_code == 302 and "/done" in paid.headers["Location"]
    done = cashier.get(paid.headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-testid="earned">\+80<', done), done  # 40 € at 2 points per euro, not 1
    named = re.search(r'data-testid="program-version">([^<]+)<', done)
    assert named and named.group(1).strip() == f"Points by programme version {doubled}", done
    ledger = api.ok("GET", f"/clients/{client['id']}/ledger")["items"]
    assert [(entry["points"], entry["rule_version"]) for entry in ledger] == [(80, doubled)]


def test_the_apis_payment_answer_says_the_version_that_charged_the_sale(app, api, manager):
    add_item(api, "CUT", "Coupe", "40.00")
    client = new_client(api, "Léa", "Bernard")
    sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [{"code": "CUT", "quantity": 1}]})
    assert sale["quote"]["points_to_earn"] == 40 and sale["program_version"] is None  # open: not charged yet
    save(manager, "/manage/program", **{**FORM, "points_per_unit": "2"})
    answer = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "40.00", "method": "card"})
    assert answer["status"] == "paid" and answer["points_earned"] == 80
    assert answer["sale"]["program_version"] == version(api)
    assert api.ok("GET", f"/sales/{sale['id']}")["program_version"] == version(api)
