"""The contract of PRODUCT.md §2 that a host POS and the tills rely on: lines from outside the catalogue, a
disabled program that shows no balance anywhere, a receipt that shows the sale as it was whenever printed, a
salon's own currency, and a refund whose answer equals the ledger."""
import re
from decimal import Decimal

import pytest

from conftest import ApiClient
from printing.escpos_reader import decode
from salon_setup import add_item, add_reward, add_rule, balance, give_points, new_client, sell, set_program


def receipt_text(api, sale_id, width=48, as_="till"):
    response = api.http.get(f"/api/v1/sales/{sale_id}/receipt", query_string={"format": "text", "width": width},
                            headers={"Authorization": f"Bearer {api.tokens[as_]}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return " ".join(response.get_data(as_text=True).split())


def receipt_bytes(api, sale_id, output):
    response = api.http.get(f"/api/v1/sales/{sale_id}/receipt", query_string={"format": output},
                            headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert response.status_code == 200
    return response.get_data()


def ledger_sum(api, client_id):
    return sum(e["points"] for e in api.ok("GET", f"/clients/{client_id}/ledger", query={"limit": 200})["items"])


# --- lines from a host POS -----------------------------------------------------------------------------
def host_line(code, **fields):
    return {"code": code, "quantity": 1, **fields}


def test_a_host_line_outside_the_catalogue_brings_its_kind_and_category_and_earns_by_them(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_rule(api, kind="category", category="colour", points=20)
    client = new_client(api, "Hélène", "Dupré")
    sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [
        host_line("CUT"),
        host_line("ext-colour-7", kind="service", category="Colour", name="Couleur (caisse)", unit_price="50.00")]})
    outside = sale["lines"][1]
    assert (outside["code"], outside["kind"], outside["category"], outside["name"], outside["unit_price"]) == \
        ("EXT-COLOUR-7", "service", "colour", "Couleur (caisse)", "50.00")
    assert sale["total"] == "90.00"
    assert sale["quote"]["points_to_earn"] == 90 + 20  # spend points on both lines, the colour rule on ours
    added = api.ok("POST", f"/sales/{sale['id']}/lines",
                   host_line("EXT-SHAMPOO", kind="product", category="retail", name="Shampooing", unit_price="12.00"))
    assert [line["kind"] for line in added["lines"]] == ["service", "service", "product"]
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "102.00", "method": "card"})
    assert paid["points_earned"] == 102 + 20 and balance(api, client["id"]) == 122


@pytest.mark.parametrize("line,field", [
    (host_line("EXT-1", category="colour", name="Couleur", unit_price="50.00"), "kind"),
    (host_line("EXT-1", kind="service", category="colour", unit_price="50.00"), "name"),
    (host_line("EXT-1", kind="service", category="colour", name="Couleur"), "unit_price"),
    (host_line("CUT", kind="product"), "kind"),  # the catalogue says service
    (host_line("CUT", category="colour"), "category"),  # the catalogue says cut
])
def test_a_host_line_missing_what_the_catalogue_cannot_give_or_contradicting_it_is_refused(api, line, field):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    code, body = api.call("POST", "/sales", {"lines": [line]})
    assert code == 422 and body["error"]["code"] == "unknown_items", body
    assert field in body["error"]["details"]["lines"]["0"], body
    code, _ = api.call("GET", "/sales/1")
    assert code == 404  # nothing was created


def test_catalogue_only_refuses_codes_outside_the_catalogue(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    assert api.ok("GET", "/program")["catalogue_only"] is False
    before = api.ok("GET", "/program")["version"]
    program = set_program(api, catalogue_only=True)
    assert program["catalogue_only"] is True and program["version"] == before + 1
    assert api.ok("GET", "/program")["catalogue_only"] is True
    outside = host_line("EXT-1", kind="service", category="colour", name="Couleur", unit_price="50.00")
    code, body = api.call("POST", "/sales", {"lines": [outside]})
    assert code == 422 and body["error"]["code"] == "unknown_items"
    assert "code" in body["error"]["details"]["lines"]["0"]
    sale = api.ok("POST", "/sales", {"lines": [host_line("CUT")]})  # the catalogue's own codes still sell
    code, body = api.call("POST", f"/sales/{sale['id']}/lines", outside)
    assert code == 422 and len(api.ok("GET", f"/sales/{sale['id']}")["lines"]) == 1
    newest = api.ok("GET", "/program/versions", as_="manager")[0]
    assert newest["changes"]["catalogue_only"] == [False, True]
    set_program(api, catalogue_only=False)
    assert api.ok("POST", "/sales", {"lines": [outside]})["lines"][0]["code"] == "EXT-1"


# --- the disabled program ------------------------------------------------------------------------------
def logged_in_panel(app):
    """A cashier signed in on the panel through its own login form (the Flask test client)."""
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
    panel = app.test_client()
    page = panel.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    staff_id = re.search(r'name="staff_id" value="(\d+)"', page).group(1)
    assert panel.post("/login", data={"csrf_token": token, "staff_id": staff_id, "pin": "1234"}).status_code == 302
    page = panel.get("/").get_data(as_text=True)
    return panel, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_disabled_program_shows_no_balance_in_any_answer_page_display_or_receipt(app, api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    reward = add_reward(api, "Brushing offert", 100)
    client = new_client(api, "Tom", "Girard")
    give_points(api, client["id"], 300)
    api.ok("POST", f"/clients/{client['id']}/rewards", {"reward_id": reward["id"], "reason": "Fidèle"},
           as_="manager")
    enabled_sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [host_line("CUT")]})
    assert enabled_sale["quote"]["balance_after"] == 340
    api.ok("POST", f"/sales/{enabled_sale['id']}/cancel")
    set_program(api, enabled=False)

    sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [host_line("CUT")]})
    assert sale["quote"]["points_to_earn"] == 0 and sale["quote"]["balance_after"] is None
    assert sale["quote"]["earnings"] == []
    assert api.ok("GET", f"/sales/{sale['id']}")["quote"]["balance_after"] is None
    assert "Nouveau solde" not in receipt_text(api, sale["id"])  # the open sale's ticket too
    grant = api.ok("GET", f"/clients/{client['id']}/rewards")[0]
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions",  # an issued reward stays usable
                  {"reward_id": reward["id"], "grant_id": grant["grant_id"]})
    assert held["due"] == "30.00"

    panel, token = logged_in_panel(app)
    assert panel.post("/panel/attach", data={"csrf_token": token, "client_id": client["id"]}).status_code == 302
    assert panel.post("/panel/lines", data={"csrf_token": token, "code": "CUT"}).status_code == 302
    for page in (panel.get("/").get_data(as_text=True), panel.get("/display/state").get_data(as_text=True)):
        assert "Tom" in page
        assert 'data-testid="balance"' not in page and 'data-testid="display-balance"' not in page
        assert ">300<" not in page and "300 points" not in page and ">340<" not in page
    done = panel.post("/panel/pay", data={"csrf_token": token, "amount": "40,00", "method": "card"})
    assert done.status_code == 302 and "/done" in done.headers["Location"]
    page = panel.get(done.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="paid-title"' in page and 'data-testid="new-balance"' not in page
    assert "Coupe femme" in page and "Nouveau solde" not in page  # the receipt shown there

    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "30.00", "method": "card"})
    assert (paid["status"], paid["points_earned"], paid["balance"]) == ("paid", 0, None)
    assert paid["sale"]["quote"]["balance_after"] is None
    text = receipt_text(api, sale["id"])
    assert "Coupe femme" in text and "Vos points fidélité" not in text and "Nouveau solde" not in text
    assert "300" not in text
    escpos = decode(receipt_bytes(api, sale["id"], "escpos")).text
    assert "Coupe femme" in escpos and "Nouveau solde" not in escpos
    refund = api.ok("POST", f"/sales/{sale['id']}/refund", as_="manager")
    assert refund["balance"] is None
    code, body = api.call("GET", f"/clients/{client['id']}/loyalty")
    assert code == 409 and body["error"]["code"] == "program_disabled"

    set_program(api, enabled=True)  # everything comes back
    again = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [host_line("CUT")]})
    assert again["quote"]["balance_after"] == 340
    paid = api.ok("POST", f"/sales/{again['id']}/payments", {"amount": "40.00", "method": "card"})
    assert paid["balance"] == 340 == balance(api, client["id"])
    assert "Nouveau solde 340 points" in receipt_text(api, again["id"])
    page = panel.get("/").get_data(as_text=True)
    assert 'data-testid="balance">340<' in page
    assert 'data-testid="display-balance">340<' in panel.get("/display/state").get_data(as_text=True)
    assert 'data-testid="new-balance">340<' in panel.get(f"/panel/sales/{again['id']}/done").get_data(as_text=True)


# --- the receipt printed again later -------------------------------------------------------------------
def test_a_receipt_printed_again_later_shows_the_balance_and_expiry_right_after_its_sale(api, clock):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "COLOR", "Couleur", "60.00", category="colour")
    reward = add_reward(api, "10 € offerts", 100)
    client = new_client(api, "Hélène", "Dupré")
    first = sell(api, client["id"], ("CUT", 1, "40.00"))["sale"]  # 40 points until 22/11/2027
    assert first["quote"]["balance_after"] == 40
    at_the_time = receipt_text(api, first["id"])
    assert "Nouveau solde 40 points" in at_the_time and "40 points expirent le 22/11/2027" in at_the_time

    clock.advance(days=10)
    give_points(api, client["id"], 120)  # until 02/12/2027
    clock.advance(days=1)
    later = sell(api, client["id"], ("COLOR", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{later['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{later['id']}/payments", {"amount": "50.00", "method": "card"})
    summary = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert summary["balance"] == 40 + 120 - 100 + 50
    assert summary["next_expiry"] == {"points": 60, "expires_on": "2027-12-02"}  # the first 40 were used

    reprint = receipt_text(api, first["id"])
    assert reprint == at_the_time
    assert "Nouveau solde 40 points" in reprint and "40 points expirent le 22/11/2027" in reprint
    escpos = decode(receipt_bytes(api, first["id"], "escpos"))
    assert "40 points" in escpos.line_with("Nouveau solde").text
    assert receipt_bytes(api, first["id"], "png").startswith(b"\x89PNG")
    assert api.ok("GET", f"/sales/{first['id']}")["quote"]["balance_after"] == 40
    assert "Nouveau solde 110 points" in receipt_text(api, later["id"])


def test_the_receipt_prints_the_points_earned_above_their_breakdown(api):
    add_item(api, "COLOR", "Couleur", "100.00", category="colour")
    add_rule(api, kind="category", category="colour", points=25)
    client = new_client(api, "Léa", "Bernard")
    sale = sell(api, client["id"], ("COLOR", 1, "100.00"))["sale"]
    text = receipt_text(api, sale["id"])
    assert re.search(r"Points gagnés 125 points 100,00 € dépensés \+100 Couleur \+25", text), text


# --- a salon's own currency ----------------------------------------------------------------------------
def test_a_salon_added_with_gbp_shows_pounds_and_never_euros(app, client, api):
    result = app.test_cli_runner().invoke(args=["salon", "add", "--code", "london", "--name", "London",
                                                "--currency", "GBP", "--locale", "en_GB",
                                                "--timezone", "Europe/London"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from pos_loyalty.services.staff import create_token

        london = ApiClient(client, create_token("till", "london-till", "till-1", salon_code="london")[1],
                           create_token("manager", "london-manager", salon_code="london")[1])
    add_item(london, "CUT", "Ladies' cut", "40.00", category="cut")
    buyer = new_client(london, "Emma", "Stone")
    sale = london.ok("POST", "/sales", {"client_id": buyer["id"], "lines": [
        host_line("CUT"), host_line("EXT-OIL", kind="product", name="Hair oil", unit_price="12.50")]})
    paid = london.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "52.50", "method": "card"})
    text = receipt_text(london, paid["sale"]["id"])
    assert "£40.00" in text and "£52.50" in text and "New balance 52 points" in text and "€" not in text, text
    escpos = decode(receipt_bytes(london, paid["sale"]["id"], "escpos")).text
    assert "£52.50" in escpos and "€" not in escpos
    entry = api.ok("GET", f"/clients/{buyer['id']}/ledger")["items"][0]
    assert entry["description"] == "£52.50 spent"
    with app.test_request_context():
        from flask import session

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Salon
        from pos_loyalty.panel.context import money

        session["salon_id"] = db.session.query(Salon).filter_by(code="london").one().id
        assert money(Decimal("52.50")) == "£52.50"


# --- a refund whose redeemed lot expired meanwhile -----------------------------------------------------
def test_a_refund_sweeps_the_returned_points_of_an_expired_lot_before_it_answers(api, clock):
    set_program(api, validity_months=1)
    add_item(api, "COLOR", "Couleur", "100.00", category="colour")
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € offerts", 100)
    client = new_client(api, "Marc", "Blanc")
    sell(api, client["id"], ("COLOR", 1, "100.00"))  # 100 points until 22/12/2026
    clock.advance(days=5)
    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"})
    assert paid["balance"] == 50  # the 100 came from the first lot; 50 new ones until 27/12/2026

    clock.advance(days=26)  # 23/12/2026: the first lot expired while its points were spent
    refund = api.ok("POST", f"/sales/{sale['id']}/refund", as_="manager")
    assert (refund["points_reversed"], refund["points_returned"]) == (50, 100)
    assert refund["balance"] == 0 == ledger_sum(api, client["id"]) == balance(api, client["id"])
    entries = api.ok("GET", f"/clients/{client['id']}/ledger")["items"]
    assert [(e["kind"], e["points"]) for e in entries[:3]] == [("expire", -100), ("refund", 100), ("refund", -50)]
