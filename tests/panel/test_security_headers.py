"""Security headers on every answer: a panel page, an API answer, an error page; cookies Secure on demand."""
import pytest

from .logins import log_in, post_login

pytestmark = pytest.mark.sqlite_only


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def assert_guarded(response) -> None:
    policy = directives(response)
    assert policy["script-src"] == "script-src 'self'"  # no inline script, no eval, no other site
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["object-src"] == "object-src 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP on the salon's LAN


def test_panel_page_api_answer_and_error_page_carry_the_headers(app, client, api):
    login_page = client.get("/login")
    assert login_page.status_code == 200
    assert_guarded(login_page)
    answer = client.get("/api/v1/program", headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert answer.status_code == 200
    assert_guarded(answer)
    refused = client.get("/api/v1/program")
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
    assert_guarded(refused)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert_guarded(missing)
    assert_guarded(client.get("/panel/static/panel.js"))


def test_no_template_carries_inline_script_or_handlers():
    """The CSP would block them: every script lives in panel.js."""
    import re
    from pathlib import Path

    import pos_loyalty

    templates = Path(pos_loyalty.__file__).parent / "panel" / "templates"
    for page in templates.rglob("*.html"):
        text = page.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert re.search(r'\bsrc="', tag), (page.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), page.name
        assert "javascript:" not in text and " style=" not in text, page.name


@pytest.mark.parametrize("switch", [True, False])
def test_secure_cookies_switch(app_config, switch):
    from pos_loyalty import create_app

    app = create_app({**app_config, "SECURE_COOKIES": switch})
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon
        from pos_loyalty.services.staff import add_staff

        ensure_salon()
        add_staff("Isabelle", "manager", "9876")
    client = app.test_client()
    log_in(client, "Isabelle", "9876")
    page = client.get("/devices/")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    bound = client.post("/devices/bind", data={"csrf_token": token, "till": "till-1"})
    cookies = {value.split("=")[0]: value.lower() for name, value in bound.headers if name == "Set-Cookie"}
    assert "pos_loyalty_device" in cookies and "session" in cookies
    for cookie in cookies.values():
        assert ("; secure" in cookie) is switch
        assert "httponly" in cookie
    assert ("Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers) is switch


@pytest.mark.parametrize("typed, meant", [("true", True), ("1", True), ("YES", True), ("on", True),
                                           ("false", False), ("0", False), ("no", False), ("Off", False)])
def test_secure_cookies_from_the_environment(monkeypatch, typed, meant):
    from pos_loyalty.config import from_environment

    monkeypatch.setenv("POS_LOYALTY_SECURE_COOKIES", typed)
    assert from_environment()["SECURE_COOKIES"] is meant


def test_a_garbled_switch_stops_the_start(monkeypatch):
    from pos_loyalty.config import from_environment

    monkeypatch.setenv("POS_LOYALTY_SECURE_COOKIES", "maybe")
    with pytest.raises(ValueError, match="POS_LOYALTY_SECURE_COOKIES"):
        from_environment()


def test_login_rate_from_the_environment(monkeypatch):
    from pos_loyalty.config import from_environment

    monkeypatch.setenv("POS_LOYALTY_LOGIN_RATE", "5 per minute")
    assert from_environment()["LOGIN_RATE"] == "5 per minute"


def test_a_refused_login_is_guarded_too(app, client):
    assert_guarded(post_login(client, 999, "0000"))
