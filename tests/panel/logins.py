"""Panel logins through the real forms of the test client (the CSRF token read from the page)."""
from __future__ import annotations

import re


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def staff_ids(page: str) -> dict[str, int]:
    """The staff tiles of a login page: name -> id."""
    return {name: int(staff_id) for staff_id, name in
            re.findall(r'name="staff_id" value="(\d+)"[^>]*>\s*<span>([^<]+)</span>', page)}


def post_login(client, staff_id: int | str, pin: str, till: str | None = None, address: str = "127.0.0.1"):
    """Post the login form by hand, as an attacker would: any staff id, any till, from a given address."""
    page = client.get("/login").get_data(as_text=True)
    form = {"csrf_token": csrf_of(page), "staff_id": str(staff_id), "pin": pin}
    if till is not None:
        form["till"] = till
    return client.post("/login", data=form, environ_base={"REMOTE_ADDR": address})


def log_in(client, name: str, pin: str, till: str | None = None):
    page = client.get("/login").get_data(as_text=True)
    ids = staff_ids(page)
    assert name in ids, (name, ids)
    response = post_login(client, ids[name], pin, till)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post_form(client, path: str, **fields):
    """A panel form posted with the CSRF token of a page the signed-in client can read."""
    page = client.get("/").get_data(as_text=True)
    if 'name="csrf_token"' not in page:
        page = client.get("/login").get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_of(page), **fields})


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str, path: str = "/"):
    """A fresh browser carrying a copy of an old session cookie."""
    fresh = app.test_client()
    fresh.set_cookie("session", cookie)
    return fresh.get(path)
