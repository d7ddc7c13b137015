"""/manage/tokens: API tokens created from the page (the secret shown once, in the POST's answer only) and
revoked (refused by the API from the next request on)."""
import html
import re

import pytest

from tests.panel.logins import csrf_of, log_in
from tests.panel.manage.conftest import save

pytestmark = pytest.mark.sqlite_only

NEW = {"name": "Host POS till 1", "role": "till", "till": "till-1", "expires_in_days": ""}


def token_rows(app) -> list[tuple]:
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import ApiToken

        return [(t.id, t.name, t.role, t.till_id, t.expires_at, t.revoked_at)
                for t in db.session.scalars(select(ApiToken).order_by(ApiToken.id))]


def token_id(app, name: str) -> int:
    return next(row[0] for row in token_rows(app) if row[1] == name)


def shown_secret(page: str) -> str:
    return re.search(r'<input class="secret" readonly value="([^"]+)" data-testid="new-token"', page).group(1)


def bearer(client, token: str, method: str = "GET", path: str = "/program"):
    return client.open("/api/v1" + path, method=method, headers={"Authorization": f"Bearer {token}"})


def revoke(client, token: int):
    csrf = csrf_of(client.get("/manage/tokens").get_data(as_text=True))
    return client.post(f"/manage/tokens/{token}/revoke", data={"csrf_token": csrf})


def test_a_new_till_token_is_shown_once_and_works(app, manager, api, clock):
    response = save(manager, "/manage/tokens", **{**NEW, "expires_in_days": "30"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = shown_secret(page)
    assert secret.startswith("pl_") and len(secret) > 40
    assert "shown only this once" in page
    # Nowhere else: not in a URL, a cookie (a flash message), the next page.
    assert "Location" not in response.headers
    session = app.session_interface.get_signing_serializer(app).loads(manager.get_cookie("session").value)
    assert secret not in str(session)
    listing = manager.get("/manage/tokens").get_data(as_text=True)
    assert secret not in listing and "Host POS till 1" in listing
    # It works as a till token, at its till, and not as a manager's.
    assert bearer(manager, secret).status_code == 200
    assert bearer(manager, secret, "GET", "/audit").status_code == 403
    row = next(row for row in token_rows(app) if row[1] == "Host POS till 1")
    assert row[2] == "till" and row[3] is not None
    assert (row[4] - clock()).days == 30
    entry = api.ok("GET", "/audit", as_="manager", query={"action": "token.create"})["items"][0]
    assert entry["staff"] == "Isabelle" and entry["channel"] == "panel" and entry["after"]["till"] == "till-1"
    clock.advance(days=31)
    assert bearer(manager, secret).status_code == 401  # expired


def test_a_manager_token_has_no_till(app, manager):
    page = save(manager, "/manage/tokens", name="Accountant", role="manager", till="till-1",
                expires_in_days="").get_data(as_text=True)
    secret = shown_secret(page)
    assert bearer(manager, secret, "GET", "/audit").status_code == 200
    row = next(row for row in token_rows(app) if row[1] == "Accountant")
    assert row[2:5] == ("manager", None, None)  # no till, no expiry


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Required."),
    ("role", "admin", "Choose till or manager."),
    ("till", "", "A till token belongs to a till: choose it."),
    ("till", "till-9", "Choose one of the salon's tills."),
    ("expires_in_days", "0", "From 1 to 36500 days."),
    ("expires_in_days", "demain", "A whole number, e.g. 12."),
])
def test_a_bad_token_is_refused_by_its_field_and_nothing_is_created(app, manager, field, value, message):
    before = token_rows(app)
    response = save(manager, "/manage/tokens", **{**NEW, field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    found = re.search(rf'name="{field}"[^>]*aria-invalid="true"[^>]*>.*?<span class="field-error" id="{field}-error">([^<]+)',
                      page, re.S)
    assert found and html.unescape(found.group(1)) == message, page
    assert 'data-testid="new-token"' not in page
    assert token_rows(app) == before


def test_a_revoked_token_is_refused_by_the_api_at_once(app, manager, api):
    assert api.call("GET", "/program")[0] == 200
    till_token = token_id(app, "till-1")
    assert revoke(manager, till_token).status_code == 302
    assert api.call("GET", "/program")[0] == 401
    page = manager.get("/manage/tokens").get_data(as_text=True)
    assert "The token “till-1” is revoked" in page
    row = re.search(rf'<tr data-token="{till_token}".*?</tr>', page, re.S).group(0)
    assert "revoked" in row and "/revoke" not in row
    entry = api.ok("GET", "/audit", as_="manager", query={"action": "token.revoke"})["items"][0]
    assert entry["staff"] == "Isabelle" and entry["object"] == "token till-1"
    again = revoke(manager, till_token)
    assert again.status_code == 422 and "already revoked" in again.get_data(as_text=True)


def test_another_salons_token_is_not_found_and_keeps_working(app, manager):
    from pos_loyalty.services.setup import add_salon
    from pos_loyalty.services.staff import create_token

    with app.app_context():
        add_salon("lyon", "Lyon")
        row, secret = create_token("manager", "Lyon office", salon_code="lyon")
        lyon = row.id
    assert "Lyon office" not in manager.get("/manage/tokens").get_data(as_text=True)
    assert revoke(manager, lyon).status_code == 404
    assert revoke(manager, 2**40).status_code == 404
    assert bearer(manager, secret, "GET", "/audit").status_code == 200


def test_a_cashier_gets_the_403_page(app, client, staff, api):
    log_in(client, "Camille", "1234")
    csrf = csrf_of(client.get("/").get_data(as_text=True))
    before = token_rows(app)
    assert client.get("/manage/tokens").status_code == 403
    assert client.post("/manage/tokens", data={"csrf_token": csrf, **NEW}).status_code == 403
    assert client.post(f"/manage/tokens/{before[0][0]}/revoke", data={"csrf_token": csrf}).status_code == 403
    assert token_rows(app) == before
