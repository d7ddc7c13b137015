"""Till devices in a chain: a manager binds a browser to a till of their salon once; its login page lists
only that salon's staff and that till; another salon's cashier posting the form by hand gets the answer of
an unknown name and opens none of the salon's pages. A single salon needs no binding."""
import re

import pytest

from salon_setup import add_item, sell

from .logins import csrf_of, log_in, post_form, post_login, staff_ids

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def chain(app, api):
    """Salon Étoile (the first salon, with till-1 and till-2) and Lyon, each with a cashier and a manager."""
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    with app.app_context():
        from pos_loyalty.services.setup import add_salon, ensure_salon, ensure_till
        from pos_loyalty.services.staff import add_staff

        ensure_till(ensure_salon(), "till-2")
        add_salon("lyon", "Salon Lyon")
        ids = {"Camille": add_staff("Camille", "cashier", "1234").id,
               "Isabelle": add_staff("Isabelle", "manager", "9876").id,
               "Bruno": add_staff("Bruno", "cashier", "5555", salon_code="lyon").id,
               "Léa": add_staff("Léa", "manager", "7777", salon_code="lyon").id}
    sale = sell(api, None, ("CUT", 1, "40.00"))["sale"]
    return {"ids": ids, "sale": sale["id"]}


def bind(client, manager: str, pin: str, till: str = "till-1"):
    response = log_in(client, manager, pin)
    assert response.headers["Location"].endswith("/devices/")  # an unbound device in a chain: bind it first
    page = client.get("/devices/").get_data(as_text=True)
    assert re.search(rf'name="till" value="{till}"', page)
    bound = client.post("/devices/bind", data={"csrf_token": csrf_of(page), "till": till})
    assert bound.status_code == 302 and bound.headers["Location"].endswith("/")
    cookie = client.get_cookie("pos_loyalty_device")
    assert cookie is not None and cookie.http_only and len(cookie.value) >= 40
    post_form(client, "/logout")
    return cookie.value


def test_an_unbound_device_in_a_chain_lets_only_managers_in(app, chain):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert set(staff_ids(page)) == {"Isabelle", "Léa"}
    assert 'data-testid="unbound-device"' in page
    refused = post_login(client, chain["ids"]["Camille"], "1234")  # the right PIN, by hand
    assert refused.status_code == 401
    assert client.get("/").status_code == 302


def test_a_bound_device_lists_only_its_salons_staff_and_its_till(app, chain):
    client = app.test_client()
    key = bind(client, "Isabelle", "9876", "till-2")
    page = client.get("/login").get_data(as_text=True)
    assert set(staff_ids(page)) == {"Camille", "Isabelle"}
    assert '<input type="hidden" name="till" value="till-2">' in page and "till-1" not in page
    log_in(client, "Camille", "1234")
    with client.session_transaction() as session:
        assert session["till_code"] == "till-2"
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import TillDevice

        stored = db.session.scalars(select(TillDevice.key_hash)).all()
    assert len(stored) == 1 and key not in stored  # only the key's digest


def test_another_salons_cashier_posting_the_form_by_hand_is_refused_and_sees_nothing(app, chain):
    client = app.test_client()
    bind(client, "Isabelle", "9876")
    unknown = post_login(client, 999_999, "5555")
    intruder = post_login(client, chain["ids"]["Bruno"], "5555")  # Lyon's cashier, his right PIN
    assert intruder.status_code == unknown.status_code == 401
    flash = re.compile(r'<p class="message error">([^<]*)</p>')
    assert flash.findall(intruder.get_data(as_text=True)) == flash.findall(unknown.get_data(as_text=True)) != []
    sale = chain["sale"]
    for path in ("/", f"/panel/sales/{sale}/done", f"/panel/sales/{sale}/receipt.png", "/display/state"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    wrong_till = post_login(client, chain["ids"]["Camille"], "1234", till="till-2")  # not this device's till
    assert wrong_till.status_code == 401 and client.get("/").status_code == 302


def test_another_salons_cashier_on_their_own_till_cannot_open_this_salons_sale(app, chain):
    lyon = app.test_client()
    bind(lyon, "Léa", "7777")
    log_in(lyon, "Bruno", "5555")
    sale = chain["sale"]
    assert lyon.get(f"/panel/sales/{sale}/done").status_code == 404
    assert lyon.get(f"/panel/sales/{sale}/receipt.png").status_code == 404


def test_a_revoked_device_signs_its_cashier_out_at_once(app, chain):
    till = app.test_client()
    bind(till, "Isabelle", "9876")
    log_in(till, "Camille", "1234")
    office = app.test_client()
    bind(office, "Isabelle", "9876", "till-2")
    log_in(office, "Isabelle", "9876")
    page = office.get("/devices/").get_data(as_text=True)
    device_ids = re.findall(r'action="/devices/(\d+)/revoke"', page)
    assert len(device_ids) == 2
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Till, TillDevice

        till_1 = db.session.scalars(select(TillDevice.id).join(Till, Till.id == TillDevice.till_id)
                                    .where(Till.code == "till-1")).one()
    assert office.post(f"/devices/{till_1}/revoke", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert till.get("/").status_code == 302  # Camille is out
    assert set(staff_ids(till.get("/login").get_data(as_text=True))) == {"Isabelle", "Léa"}


def test_another_salons_manager_cannot_revoke_a_device(app, chain):
    paris = app.test_client()
    bind(paris, "Isabelle", "9876")
    lyon = app.test_client()
    bind(lyon, "Léa", "7777")
    log_in(lyon, "Léa", "7777")
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Salon, TillDevice

        paris_device = db.session.scalars(select(TillDevice).join(Salon, Salon.id == TillDevice.salon_id)
                                          .where(Salon.code != "lyon")).one()
    page = lyon.get("/devices/").get_data(as_text=True)
    assert f"/devices/{paris_device.id}/revoke" not in page
    response = lyon.post(f"/devices/{paris_device.id}/revoke", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 404
    log_in(paris, "Camille", "1234")  # still bound


def test_a_manager_cannot_bind_to_another_salons_till(app, chain):
    client = app.test_client()
    log_in(client, "Léa", "7777")
    page = client.get("/devices/").get_data(as_text=True)
    assert 'value="till-2"' not in page  # Lyon has only till-1
    response = client.post("/devices/bind", data={"csrf_token": csrf_of(page), "till": "till-2"})
    assert response.status_code == 302 and client.get_cookie("pos_loyalty_device") is None


def test_a_single_salon_needs_no_binding(app, api):
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon, ensure_till
        from pos_loyalty.services.staff import add_staff

        ensure_till(ensure_salon(), "till-2")
        add_staff("Camille", "cashier", "1234")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'data-testid="unbound-device"' not in page and '<select name="till">' in page
    log_in(client, "Camille", "1234", till="till-2")
    with client.session_transaction() as session:
        assert session["till_code"] == "till-2"
    assert client.get("/").status_code == 200


def test_a_manager_unbinds_this_device(app, chain):
    client = app.test_client()
    bind(client, "Isabelle", "9876")
    log_in(client, "Isabelle", "9876")
    page = client.get("/devices/").get_data(as_text=True)
    assert 'data-testid="device-till"' in page
    response = client.post("/devices/unbind", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 302 and client.get_cookie("pos_loyalty_device") is None
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import TillDevice

        assert db.session.scalars(select(TillDevice.revoked_at)).one() is not None  # a kept copy opens nothing
    assert client.get("/").headers["Location"].endswith("/devices/")  # no till until bound again
    post_form(client, "/logout")
    assert set(staff_ids(client.get("/login").get_data(as_text=True))) == {"Isabelle", "Léa"}
