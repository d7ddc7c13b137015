"""Issue 11: a till step asked by htmx (HX-Request) is answered with the ticket and the client card, not the
whole page; the same forms without JavaScript still post, redirect and show the page. A removed line can be
put back; the sale is cancelled only by the confirming button."""
import re

import pytest

from .test_panel_forms import logged_in

pytestmark = pytest.mark.sqlite_only

HTMX = {"HX-Request": "true"}


def test_a_step_asked_by_htmx_gets_the_ticket_and_the_client_card_only(app, api, salon):
    client, token = logged_in(app)
    answer = client.post("/panel/attach", data={"csrf_token": token, "client_id": salon["client"]["id"]},
                         headers=HTMX)
    assert answer.status_code == 200
    fragment = answer.get_data(as_text=True)
    assert "<html" not in fragment and "Prestations et produits" not in fragment  # not the catalogue
    assert 'id="client-card"' in fragment and 'hx-swap-oob="true"' in fragment and 'id="ticket"' in fragment
    assert "Hélène" in fragment
    fragment = client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">30,00' in fragment
    reward_id = salon["reward"]["id"]
    fragment = client.post("/panel/rewards", data={"csrf_token": token, "reward_id": reward_id},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">20,00' in fragment
    assert api.ok("GET", f"/clients/{salon['client']['id']}/loyalty")["held"] == 100
    answer = client.post("/panel/pay", data={"csrf_token": token, "amount": "5,00", "method": "card"}, headers=HTMX)
    assert 'data-testid="due">15,00' in answer.get_data(as_text=True)
    assert "message ok" in answer.get_data(as_text=True)  # the message is redrawn with the ticket
    answer = client.post("/panel/pay", data={"csrf_token": token, "amount": "15,00", "method": "cash"}, headers=HTMX)
    assert re.fullmatch(r"/panel/sales/\d+/done", answer.headers["HX-Redirect"])  # paid: on to the done page


def test_without_javascript_the_same_forms_redirect_to_the_page(app, salon):
    client, token = logged_in(app)
    answer = client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"})
    assert answer.status_code == 302 and "HX-Redirect" not in answer.headers
    page = client.get("/").get_data(as_text=True)
    assert "<html" in page and 'hx-post="/panel/lines"' in page and 'action="/panel/lines"' in page


def test_a_refusal_in_place_is_shown_in_the_ticket(app, salon):
    client, token = logged_in(app)
    client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"}, headers=HTMX)
    answer = client.post("/panel/redemptions/999999/remove", data={"csrf_token": token}, headers=HTMX)
    assert answer.status_code == 404
    assert 'id="ticket"' in answer.get_data(as_text=True) and "message error" in answer.get_data(as_text=True)


def test_a_removed_line_can_be_put_back(app, salon):
    client, token = logged_in(app)
    client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"}, headers=HTMX)
    client.post("/panel/lines", data={"csrf_token": token, "code": "PORTRAIT"}, headers=HTMX)
    fragment = client.post("/panel/lines/0/remove", data={"csrf_token": token}, headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">75,00' in fragment and 'data-testid="undo"' in fragment
    assert 'name="code" value="BRUSH"' in fragment
    fragment = client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH", "quantity": "1"},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">105,00' in fragment and 'data-testid="undo"' not in fragment  # offered once


def test_the_only_line_removed_can_be_put_back_too(app, salon):
    client, token = logged_in(app)
    client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"}, headers=HTMX)
    fragment = client.post("/panel/lines/0/remove", data={"csrf_token": token}, headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due"' not in fragment and 'data-testid="undo"' in fragment


def test_cancel_asks_first(app, salon):
    client, token = logged_in(app)
    client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"})
    page = client.get("/").get_data(as_text=True)
    confirm = page[page.index('<details class="cancel">'):]
    confirm = confirm[:confirm.index("</details>")]
    assert "<summary>Annuler la vente</summary>" in confirm and 'action="/panel/cancel"' in confirm
    assert "Oui, annuler la vente" in confirm  # the button that cancels is inside the closed confirm step
