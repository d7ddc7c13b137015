"""The cashier's session cookie cannot be read by scripts nor sent by other sites' forms."""
import re

import pytest

pytestmark = pytest.mark.sqlite_only


def test_login_sets_an_httponly_samesite_session_cookie(app):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    staff_id = re.search(r'name="staff_id" value="(\d+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "staff_id": staff_id, "pin": "1234"})
    assert response.status_code == 302
    cookies = [value for name, value in response.headers if name == "Set-Cookie" and value.startswith("session=")]
    assert cookies, response.headers
    flags = {part.strip().lower() for part in cookies[-1].split(";")}
    assert "httponly" in flags and "samesite=lax" in flags
    assert client.get("/").status_code == 200  # and the session it carries opens the checkout
