"""The client display paired by the manager's link (no staff login) shows the till's open sale: its lines (name,
quantity, amount), total, discount, due, the points it earns, the rewards applied, the client's name and balance;
a sale without a client shows its lines and total, nothing personal."""
import re

import pytest

from tests.panel.logins import csrf_of, log_in, post_form

pytestmark = pytest.mark.sqlite_only


def pairing_link(app) -> str:
    manager = app.test_client()
    log_in(manager, "Isabelle", "9876")
    page = manager.get("/manage/tills").get_data(as_text=True)
    response = manager.post("/manage/tills/till-1/pair", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 200
    return re.search(r'<a href="([^"]+)" data-testid="pairing-link"', response.get_data(as_text=True)).group(1)


def paired_display(app):
    display = app.test_client()
    assert display.get(pairing_link(app).removeprefix("http://localhost")).status_code == 302
    return display


def texts(state: str, testid: str) -> list[str]:
    cells = re.findall(rf'data-testid="{testid}"[^>]*>(.*?)</(?:p|strong|span|h1|tr)>', state, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).replace("\u202f", " ").replace("\xa0", " ").strip()
            for cell in cells]


def test_the_paired_display_shows_the_open_sale_line_by_line(app, api, salon):
    display = paired_display(app)
    cashier = app.test_client()
    log_in(cashier, "Camille", "1234")
    assert "Bienvenue" in display.get("/display/state").get_data(as_text=True)

    post_form(cashier, "/panel/lines", code="BRUSH")  # no client yet: the sale, nothing personal
    state = display.get("/display/state").get_data(as_text=True)
    assert texts(state, "display-line") == ["Brushing 1 30,00 €"]
    assert texts(state, "display-total") == ["30,00 €"] and texts(state, "display-due") == ["30,00 €"]
    assert "display-client" not in state and "display-balance" not in state and "display-quote" not in state

    post_form(cashier, "/panel/attach", client_id=str(salon["client"]["id"]))
    post_form(cashier, "/panel/lines", code="PORTRAIT", quantity="2")
    post_form(cashier, "/panel/rewards", reward_id=str(salon["reward"]["id"]))
    state = display.get("/display/state").get_data(as_text=True)
    assert texts(state, "display-client") == ["Bonjour Hélène"]
    assert texts(state, "display-balance") == ["200"]
    assert texts(state, "display-line") == ["Brushing 1 30,00 €", "Portrait studio 2 150,00 €"]
    assert texts(state, "display-total") == ["180,00 €"]
    assert texts(state, "display-discount") == ["−10,00 €"]
    assert texts(state, "display-due") == ["170,00 €"]
    assert texts(state, "display-reward") == ["✓ 10 € offerts −10,00 €"]
    sale = api.ok("GET", f"/sales/{sale_on_till_1(app)}")
    assert sale["quote"]["points_to_earn"] > 0
    assert texts(state, "display-quote") == [f"Cette visite vous rapporte {sale['quote']['points_to_earn']} points"]


def sale_on_till_1(app) -> int:
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Till, TillScreen

        return db.session.scalar(select(TillScreen.sale_id).join(Till, Till.id == TillScreen.till_id)
                                 .where(Till.code == "till-1"))
