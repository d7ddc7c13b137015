"""Issue 11: the client display follows its till whoever drives it: a sale a host POS opens at that till
through the JSON API shows on the display (lines, total, client, rewards) as the panel's own sales do, and
a later step on the cashier's screen takes the display back."""
import pytest

from tests.panel.logins import log_in, post_form
from tests.panel.test_display_state import paired_display, texts

pytestmark = pytest.mark.sqlite_only


def test_a_sale_opened_through_the_api_shows_on_the_till_display(app, api, salon, clock):
    display = paired_display(app)
    cashier = app.test_client()
    log_in(cashier, "Camille", "1234")
    post_form(cashier, "/panel/lines", code="BRUSH")  # the panel's sale first
    assert texts(display.get("/display/state").get_data(as_text=True), "display-line") == ["Brushing 1 30,00 €"]

    clock.advance(seconds=5)
    sale = api.ok("POST", "/sales", {"client_id": salon["client"]["id"], "lines": [
        {"code": "PORTRAIT", "quantity": 2}]})  # the host POS, with the token of till-1
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": salon["reward"]["id"]})
    state = display.get("/display/state").get_data(as_text=True)
    assert texts(state, "display-line") == ["Portrait studio 2 150,00 €"]
    assert texts(state, "display-client") == ["Bonjour Hélène"]
    assert texts(state, "display-due") == ["140,00 €"]
    assert texts(state, "display-reward") == ["✓ 10 € offerts −10,00 €"]

    clock.advance(seconds=5)
    post_form(cashier, "/panel/lines", code="SHAMP")  # the cashier's screen moves: the display follows it
    state = display.get("/display/state").get_data(as_text=True)
    assert texts(state, "display-line") == ["Brushing 1 30,00 €", "Shampooing 1 15,00 €"]


def test_another_tills_api_sale_stays_off_this_display(app, api, salon, clock):
    from pos_loyalty.services.staff import create_token

    display = paired_display(app)
    with app.app_context():
        other_token = create_token("till", "till-2", "till-2")[1]
    clock.advance(seconds=5)
    answer = api.http.post("/api/v1/sales", json={"lines": [{"code": "BRUSH", "quantity": 1}]},
                           headers={"Authorization": f"Bearer {other_token}"})
    assert answer.status_code == 201
    assert "display-line" not in display.get("/display/state").get_data(as_text=True)
