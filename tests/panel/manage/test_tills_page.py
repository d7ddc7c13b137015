"""/manage/tills: each till's name and printer (the API's schema), a test print against a real printer on
loopback with the printer's answer on the page, and the client display's pairing (a link that opens the
till's display without a staff login; a new pairing stops the old link and the old display)."""
import html
import re
import time

import pytest

from tests.panel.logins import csrf_of, log_in
from tests.printing.printer_server import PrinterServer

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def app_config(app_config):
    # The loopback printers below listen on random ports: let receipts go to any unprivileged one.
    return {**app_config, "PRINTER_PORTS": "1024-65535", "TEST_PRINT_DEADLINE": 3.0}


@pytest.fixture
def tills(app, staff):
    """Two tills: till-1 (the salon's first) and till-2."""
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon, ensure_till

        ensure_till(ensure_salon(), "till-2")


@pytest.fixture
def printers():
    started: list[PrinterServer] = []

    def start(mode: str = "normal") -> PrinterServer:
        started.append(PrinterServer(mode))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def post(client, path: str, **fields):
    csrf = csrf_of(client.get("/manage/tills").get_data(as_text=True))
    return client.post(path, data={"csrf_token": csrf, **fields})


def api_tills(api) -> dict:
    return {till["code"]: till for till in api.ok("GET", "/tills", as_="manager")}


def messages(page: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'<p class="message [a-z]+">([^<]*)</p>', page)]


def set_printer(api, code: str, url: str | None, width: int = 48) -> None:
    api.ok("PATCH", f"/tills/{code}", {"printer_url": url, "printer_width": width}, as_="manager")


def test_each_till_shows_its_name_printer_and_width(manager, api, tills):
    set_printer(api, "till-2", "tcp://192.168.1.50:9100", 32)
    page = manager.get("/manage/tills").get_data(as_text=True)
    card = re.search(r'<section class="card till-card" id="till-till-2".*?</section>', page, re.S).group(0)
    assert 'name="printer_url" type="text" value="tcp://192.168.1.50:9100"' in card
    assert '<option value="32" selected>' in card and 'value="till-2"' in card
    assert "not paired" in card


def test_printer_settings_saved_are_read_back_and_audited(manager, api, tills):
    response = post(manager, "/manage/tills/till-2/printer", name="Caisse du fond",
                    printer_url="tcp://192.168.1.60:9100?status=0", printer_width="32")
    assert response.status_code == 302
    till = api_tills(api)["till-2"]
    assert (till["name"], till["printer_url"], till["printer_width"]) == \
        ("Caisse du fond", "tcp://192.168.1.60:9100?status=0", 32)
    assert api_tills(api)["till-1"]["printer_width"] == 48  # the other till is untouched
    page = manager.get("/manage/tills").get_data(as_text=True)
    assert any("Till till-2 saved" in text and "Paper width: 48 columns → 32 columns" in text for text in messages(page))
    entry = api.ok("GET", "/audit", as_="manager", query={"action": "till.update"})["items"][0]
    assert entry["staff"] == "Isabelle" and entry["channel"] == "panel"
    assert entry["after"] == {"name": "Caisse du fond", "printer_url": "tcp://192.168.1.60:9100?status=0",
                              "printer_width": 32}
    # Emptied, the address is the salon's default again.
    post(manager, "/manage/tills/till-2/printer", name="Caisse du fond", printer_url="", printer_width="32")
    assert api_tills(api)["till-2"]["printer_url"] is None


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Must not be blank."),
    ("printer_url", "laser://x", "is not a printer address"),
    ("printer_url", "tcp://192.168.1.60:22", "receipts go to printer ports only"),
    ("printer_url", "file:///etc/passwd", "this path leads elsewhere"),
    ("printer_width", "40", "32 or 48 columns."),
])
def test_bad_printer_settings_are_refused_by_their_field_and_nothing_is_saved(manager, api, tills, field, value,
                                                                             message):
    before = api_tills(api)
    form = {"name": "Till 2", "printer_url": "tcp://192.168.1.60:9100", "printer_width": "48", field: value}
    response = post(manager, "/manage/tills/till-2/printer", **form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    card = re.search(r'id="till-till-2".*?</section>', page, re.S).group(0)
    found = re.search(rf'name="{field}"[^>]*aria-invalid="true"[^>]*>.*?<span class="field-error" '
                      rf'id="{field}-till-2-error">([^<]+)', card, re.S)
    assert found and message in html.unescape(found.group(1)), card
    other = re.search(r'id="till-till-1".*?</section>', page, re.S).group(0)
    # Only the till posted shows it (as a field's value: the card's random CSRF token may hold the same digits).
    assert "aria-invalid" not in other and (not value or f'value="{html.escape(value)}"' not in other)
    assert api_tills(api) == before


def test_a_test_print_on_a_real_printer_says_it_printed(app, manager, api, tills, printers):
    printer = printers("normal")
    set_printer(api, "till-2", printer.url, 32)
    response = post(manager, "/manage/tills/till-2/test-print")
    assert response.status_code == 302
    shown = messages(manager.get("/manage/tills").get_data(as_text=True))
    assert shown == [f"Test print on till-2: printed ({printer.url})."], shown
    printer.stop()
    job = b"".join(printer.received)
    assert b"Test print" in job and b"till-2" in job and b"1234567890" * 3 + b"12" in job
    entry = api.ok("GET", "/audit", as_="manager", query={"action": "till.test_print"})["items"][0]
    assert entry["after"]["result"] == "printed" and entry["staff"] == "Isabelle"


@pytest.mark.parametrize("mode, reason", [
    ("refuse", "refused the connection: is it switched on"),
    ("paper-end", "is out of paper"),
])
def test_a_test_print_shows_the_printers_reason(manager, api, tills, printers, mode, reason):
    printer = printers(mode)
    set_printer(api, "till-1", printer.url)
    post(manager, "/manage/tills/till-1/test-print")
    shown = messages(manager.get("/manage/tills").get_data(as_text=True))
    assert len(shown) == 1 and shown[0].startswith("Test print on till-1 failed:") and reason in shown[0], shown
    entry = api.ok("GET", "/audit", as_="manager", query={"action": "till.test_print"})["items"][0]
    assert entry["after"]["result"] == "failed" and reason in entry["after"]["reason"]


def test_a_printer_that_never_reads_does_not_hang_the_page(app, manager, api, tills, printers):
    printer = printers("never-read")
    set_printer(api, "till-1", printer.url)
    started = time.monotonic()
    post(manager, "/manage/tills/till-1/test-print")
    assert time.monotonic() - started < 3  # each step bounded by the print timeout (0.5 s in tests)
    shown = messages(manager.get("/manage/tills").get_data(as_text=True))
    assert len(shown) == 1 and shown[0].startswith("Test print on till-1: sent, not confirmed. The printer at"), shown
    # Slow steps that add up: the page still answers by the deadline.
    app.config.update(PRINT_TIMEOUT=3.0, TEST_PRINT_DEADLINE=1.0)
    started = time.monotonic()
    post(manager, "/manage/tills/till-1/test-print")
    assert time.monotonic() - started < 2.5
    shown = messages(manager.get("/manage/tills").get_data(as_text=True))
    assert shown == ["Test print on till-1: sent, not confirmed. The printer did not finish within 1 seconds: it may "
                     "still print; check it."], shown


def test_a_test_print_without_a_printer_says_so(manager, tills):
    post(manager, "/manage/tills/till-1/test-print")
    assert messages(manager.get("/manage/tills").get_data(as_text=True)) == [
        "Test print on till-1 failed: No printer is set up for this till."]


def pair(manager, code: str = "till-1") -> str:
    response = post(manager, f"/manage/tills/{code}/pair")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page  # its QR code
    return re.search(r'<a href="([^"]+)" data-testid="pairing-link"', page).group(1)


def open_display(app, link: str):
    display = app.test_client()
    return display, display.get(link.removeprefix("http://localhost"))


def shows(state: str, first_name: str) -> bool:
    """The display greets this client (in the salon's language: the display is the client's screen)."""
    return re.search(rf'data-testid="display-client">[^<]*\b{first_name}\b', state) is not None


def show_client(app, api, code: str, first_name: str) -> None:
    """The till's screen shows a client, as when a cashier picks one at that till."""
    client = api.ok("POST", "/clients", {"first_name": first_name, "last_name": "Test"})
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Till
        from pos_loyalty.services.actor import Actor
        from pos_loyalty.services.till_screen import show

        till = db.session.scalars(select(Till).where(Till.code == code)).one()
        show(Actor("Camille", "till", till.salon_id, till.id), sale_id=None, client_id=client["id"])


def test_a_pairing_link_opens_the_tills_display_without_a_staff_login(app, manager, api, tills):
    show_client(app, api, "till-1", "Hélène")
    show_client(app, api, "till-2", "Paul")
    link = pair(manager, "till-2")
    assert "/display/pair/" in link and link not in manager.get("/manage/tills").get_data(as_text=True)
    display, opened = open_display(app, link)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/display")
    assert opened.headers["Cache-Control"] == "no-store"
    assert display.get("/display").status_code == 200
    state = display.get("/display/state").get_data(as_text=True)
    assert shows(state, "Paul") and "Hélène" not in state  # till-2's screen, not till-1's
    # A display, not a staff login: the checkout and the back office still ask for a PIN.
    assert display.get("/").status_code == 302 and "/login" in display.get("/").headers["Location"]
    assert "/login" in display.get("/manage/").headers["Location"]
    assert "paired" in re.search(r'id="till-till-2".*?</section>', manager.get("/manage/tills").get_data(as_text=True),
                                 re.S).group(0)
    entry = api.ok("GET", "/audit", as_="manager", query={"action": "display.pair"})["items"][0]
    assert entry["object"] == "till till-2" and entry["staff"] == "Isabelle"


def test_a_new_pairing_stops_the_old_link_and_the_old_display(app, manager, api, tills):
    show_client(app, api, "till-1", "Hélène")
    old_link = pair(manager)
    old_display, _ = open_display(app, old_link)
    assert shows(old_display.get("/display/state").get_data(as_text=True), "Hélène")
    new_link = pair(manager)
    assert new_link != old_link
    assert open_display(app, old_link)[1].status_code == 404
    page = old_display.get("/display")
    assert page.status_code == 403 and 'data-testid="display-unpaired"' in page.get_data(as_text=True)
    state = old_display.get("/display/state")
    assert state.status_code == 403 and "Hélène" not in state.get_data(as_text=True)
    new_display, _ = open_display(app, new_link)
    assert shows(new_display.get("/display/state").get_data(as_text=True), "Hélène")
    assert post(manager, "/manage/tills/till-1/unpair").status_code == 302
    assert new_display.get("/display/state").status_code == 403
    assert open_display(app, new_link)[1].status_code == 404
    assert api.ok("GET", "/audit", as_="manager", query={"action": "display.unpair"})["items"]


def test_a_forged_display_cookie_opens_nothing(app, manager, api, tills):
    import json

    from itsdangerous import URLSafeSerializer

    show_client(app, api, "till-1", "Hélène")
    pair(manager)
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Till

        till = db.session.scalars(select(Till).where(Till.code == "till-1")).one()
        content = {"till": till.id, "key": till.display_key_hash}  # what a reader of the database knows
    for cookie in (json.dumps(content), URLSafeSerializer("not the key", salt="pos_loyalty.display-pairing").dumps(content)):
        forged = app.test_client()
        forged.set_cookie("pos_loyalty_display", cookie, path="/display")
        answer = forged.get("/display/state")
        assert answer.status_code in (302, 403) and "Hélène" not in answer.get_data(as_text=True)


def test_the_staff_session_display_still_works(app, client, api, tills):
    show_client(app, api, "till-1", "Hélène")
    log_in(client, "Camille", "1234")
    assert client.get("/display").status_code == 200
    assert shows(client.get("/display/state").get_data(as_text=True), "Hélène")
    assert "/login" in app.test_client().get("/display").headers["Location"]  # and nobody else's


def test_another_salons_till_is_not_found(app, manager):
    from pos_loyalty.services.setup import add_salon, ensure_till

    with app.app_context():
        ensure_till(add_salon("lyon", "Lyon"), "lyon-1")
    assert "lyon-1" not in manager.get("/manage/tills").get_data(as_text=True)
    for action, fields in (("printer", {"name": "X", "printer_url": "", "printer_width": "32"}),
                           ("printer", {"name": "", "printer_width": "40"}), ("test-print", {}), ("pair", {}),
                           ("unpair", {})):
        assert post(manager, f"/manage/tills/lyon-1/{action}", **fields).status_code == 404, (action, fields)
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Till

        till = db.session.scalars(select(Till).where(Till.code == "lyon-1")).one()
        assert (till.name, till.printer_width, till.display_key_hash) == ("lyon-1", 48, None)


def test_a_cashier_gets_the_403_page(app, client, staff, api):
    log_in(client, "Camille", "1234")
    csrf = csrf_of(client.get("/").get_data(as_text=True))
    before = api_tills(api)
    assert client.get("/manage/tills").status_code == 403
    for action, fields in (("printer", {"name": "X", "printer_url": "", "printer_width": "32"}), ("test-print", {}),
                           ("pair", {}), ("unpair", {})):
        assert client.post(f"/manage/tills/till-1/{action}", data={"csrf_token": csrf, **fields}).status_code == 403
    assert api_tills(api) == before
