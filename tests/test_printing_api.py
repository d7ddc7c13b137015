"""A paid sale prints its receipt on the till's printer; a printer at fault never blocks the sale, the job
fails with its reason (or stays "sent, not confirmed", never resent by itself), and a reprint after the
printer comes back prints it. Printer addresses go only where receipts may go."""
import io

import pytest
import zxingcpp
from PIL import Image

from printing.escpos_reader import decode
from printing.printer_server import PrinterServer
from salon_setup import add_item, add_reward, give_points, new_client, set_program


def send_jobs(app):
    with app.app_context():
        from pos_loyalty.services.printing import send_due_jobs

        return send_due_jobs()


@pytest.fixture
def printers(app):
    """printers(mode) -> a loopback PrinterServer; the app allows exactly the started servers' ports."""
    started = []

    def start(mode="normal"):
        started.append(PrinterServer(mode))
        app.config["PRINTER_PORTS"] = ",".join(str(server.port) for server in started)
        return started[-1]

    yield start
    for server in started:
        server.stop()


def paid_sale(api, printer_url=None):
    set_program(api, welcome_bonus=10, referrer_bonus=30)
    if printer_url:
        api.ok("PATCH", "/tills/till-1", {"printer_url": printer_url, "printer_width": 48}, as_="manager")
    add_item(api, "BAL", "Balayage", "120.00", category="colour")
    add_item(api, "SHAMP", "Shampooing réparateur", "18.90", kind="product", category="retail")
    reward = add_reward(api, "10 € offerts", 100)
    add_reward(api, "Bon de 25 €", 400, value="25.00")
    new_client(api, "Paul", "Martin")
    helene = new_client(api, "Hélène", "Dupré", referred_by="PAUL-MARTIN")
    give_points(api, helene["id"], 150)
    sale = api.ok("POST", "/sales", {"client_id": helene["id"], "lines": [
        {"code": "BAL", "quantity": 1}, {"code": "SHAMP", "quantity": 2}]})
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "100.00", "method": "card"})
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "cash"})
    assert paid["status"] == "paid"
    return paid, helene


def test_paid_sale_prints_its_whole_receipt(app, api, printers):
    printer = printers()
    paid, helene = paid_sale(api, printer.url)
    assert send_jobs(app) == 1
    jobs = api.ok("GET", f"/sales/{paid['sale']['id']}/print-jobs")
    assert [(j["status"], j["error"]) for j in jobs] == [("printed", "")]
    printer.stop()
    decoded = decode(printer.received[0])
    text = decoded.text
    for expected in ["Salon Étoile", "Balayage", "Shampooing réparateur", "157,80 €", "147,80 €",
                     "147,80 € dépensés", "+147", "Bonus de bienvenue", "+10", "10 € offerts", "-100",
                     f"{paid['balance']} points", "expirent le 22/11/2027", "Hélène", "€", "HELENE-DUPRE",
                     "Plus que", "Bon de 25 €"]:
        assert expected in text, expected
    assert "https://salon.example/r/HELENE-DUPRE" in text  # the referral link, printed as text
    card = api.ok("GET", f"/clients/{helene['id']}")["card_url"]  # the QR code leads to the client's card
    # Printed by the worker, outside any request: without PUBLIC_URL the card's address is 127.0.0.1:5000.
    link = "http://127.0.0.1:5000" + card[card.index("/card/"):]
    (symbol,) = decoded.qr_symbols  # GS ( k: the printer draws it with the module size the bytes chose
    assert symbol.payload == link and symbol.width_dots <= 576  # on 80 mm paper
    assert zxingcpp.read_barcode(symbol.draw()).text == link


def jobs(api, sale_id):
    return api.ok("GET", f"/sales/{sale_id}/print-jobs")


@pytest.mark.parametrize("mode,reason", [("refuse", "refused the connection"), ("paper-end", "out of paper")])
def test_printer_faults_before_the_receipt_are_retried_then_a_reprint_prints(app, api, clock, printers, mode, reason):
    """Nothing of the receipt reached the printer: trying again is safe, twice, then the job fails."""
    faulty = printers(mode)
    paid, _ = paid_sale(api, faulty.url)
    sale_id = paid["sale"]["id"]
    for delay in (0, 5, 30):  # the first try and its two retries
        clock.advance(seconds=delay)
        send_jobs(app)
    job = jobs(api, sale_id)[0]
    assert job["status"] == "failed" and reason in job["error"] and job["attempts"] == 3
    assert api.ok("GET", f"/sales/{sale_id}")["status"] == "paid"
    reprint_on_a_printer_back(app, api, printers, sale_id, ["failed", "printed"])


def reprint_on_a_printer_back(app, api, printers, sale_id, statuses):
    back = printers("normal")
    api.ok("PATCH", "/tills/till-1", {"printer_url": back.url}, as_="manager")
    reprint = api.ok("POST", f"/sales/{sale_id}/print")
    assert reprint["status"] == "queued"
    send_jobs(app)
    assert [j["status"] for j in jobs(api, sale_id)] == statuses
    back.stop()
    assert "Hélène" in decode(back.received[0]).text


@pytest.mark.parametrize("mode,reason", [
    ("never-read-buffered", "answers no status query"),  # the printer: it was marked "printed"
    ("never-read", "does not answer"),
    ("close-mid-job", "dropped the connection"),
    ("mute", "answers no status query"),
    ("mute-after", "does not answer since it was sent the receipt"),
])
def test_a_receipt_sent_but_not_confirmed_is_never_sent_again_by_itself(app, api, clock, printers, mode, reason):
    """Bytes went out and nothing confirmed them: a second copy may come out, so only a person reprints."""
    printer = printers(mode)
    paid, _ = paid_sale(api, printer.url)
    sale_id = paid["sale"]["id"]
    assert send_jobs(app) == 1
    for delay in (5, 30, 3600):  # past every retry delay
        clock.advance(seconds=delay)
        assert send_jobs(app) == 0
    job = jobs(api, sale_id)[0]
    assert (job["status"], job["attempts"]) == ("unconfirmed", 1)
    assert reason in job["error"] and "reprint if needed" in job["error"]
    assert job["finished_at"] is not None
    printer.stop()
    assert printer.connections == 1  # the printer was reached once
    reprint_on_a_printer_back(app, api, printers, sale_id, ["unconfirmed", "printed"])


def test_a_receipt_cut_short_by_the_paper_fails_and_is_not_resent(app, api, clock, printers):
    """The printer said the roll ended during the receipt: part of it is out, so only a person reprints."""
    printer = printers("runs-out")
    paid, _ = paid_sale(api, printer.url)
    send_jobs(app)
    clock.advance(seconds=35)
    assert send_jobs(app) == 0
    job = jobs(api, paid["sale"]["id"])[0]
    assert (job["status"], job["attempts"]) == ("failed", 1) and "ran out of paper during" in job["error"]
    printer.stop()
    assert printer.connections == 1


def test_a_printer_set_up_without_status_is_trusted(app, api, printers):
    mute = printers("mute")
    paid, _ = paid_sale(api, mute.url + "?status=0")
    send_jobs(app)
    assert [(j["status"], j["error"]) for j in jobs(api, paid["sale"]["id"])] == [("printed", "")]
    mute.stop()
    assert "Hélène" in decode(mute.received[0]).text


def test_a_file_printer_in_the_print_folder_prints(app, api, tmp_path):
    app.config["PRINT_DIR"] = str(tmp_path)
    paid, _ = paid_sale(api, f"file://{tmp_path}/till-1.bin")
    send_jobs(app)
    assert [j["status"] for j in jobs(api, paid["sale"]["id"])] == ["printed"]
    assert "Hélène" in decode((tmp_path / "till-1.bin").read_bytes()).text


def test_receipt_in_three_formats(api):
    paid, helene = paid_sale(api)
    sale_id = paid["sale"]["id"]
    text = api.http.get(f"/api/v1/sales/{sale_id}/receipt?format=text&width=32",
                        headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert text.status_code == 200 and "Hélène" in text.get_data(as_text=True)
    card = api.ok("GET", f"/clients/{helene['id']}")["card_url"]  # the QR code's link, kept whole
    assert max(len(line) for line in text.get_data(as_text=True).splitlines() if line != card) <= 32
    raw = api.http.get(f"/api/v1/sales/{sale_id}/receipt?format=escpos",
                       headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert "147,80 €" in decode(raw.get_data()).text
    png = api.http.get(f"/api/v1/sales/{sale_id}/receipt?format=png",
                       headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert Image.open(io.BytesIO(png.get_data())).format == "PNG"
    code, body = api.call("GET", f"/sales/{sale_id}/receipt", query={"format": "pdf"})
    assert code == 422


@pytest.mark.parametrize("output,width", [("png", 32), ("png", 48), ("escpos", 32)])
def test_the_receipt_qr_code_scans_to_the_clients_own_card(api, output, width):
    """Scanned from what the product sends: the PNG preview, and the raster image in the ESC/POS bytes of a
    58 mm printer without a QR command (80 mm printers get GS ( k, which the printer draws: see above)."""
    paid, helene = paid_sale(api)
    link = api.ok("GET", f"/clients/{helene['id']}")["card_url"]  # Hélène's card, not Paul's who referred her
    assert link.startswith("http://localhost/card/")
    answer = api.http.get(f"/api/v1/sales/{paid['sale']['id']}/receipt?format={output}&width={width}",
                          headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert answer.status_code == 200
    if output == "png":
        image = Image.open(io.BytesIO(answer.get_data()))
        assert image.format == "PNG"
    else:
        decoded = decode(answer.get_data())
        assert decoded.qr_payloads == [] and len(decoded.images) == 1
        image = decoded.images[0]
        assert image.width <= width * 12  # within the 384 dots of 58 mm paper
    scanned = zxingcpp.read_barcodes(image.convert("L"))
    assert [code.text for code in scanned] == [link]


def test_printing_without_a_printer_is_a_clear_refusal(api):
    paid, _ = paid_sale(api)
    code, body = api.call("POST", f"/sales/{paid['sale']['id']}/print")
    assert code == 409 and body["error"]["code"] == "no_printer"
    code, body = api.call("PATCH", "/tills/till-1", {"printer_url": "laser://x"}, as_="manager")
    assert code == 422 and "printer_url" in body["error"]["details"]


def test_printer_addresses_go_only_where_receipts_may_go(app, api, tmp_path):
    """file:// inside POS_LOYALTY_PRINT_DIR, tcp:// on printer ports: anything else is a 422 that saves nothing."""
    folder = tmp_path / "prints"
    folder.mkdir()
    (folder / "out").symlink_to(tmp_path)
    app.config["PRINT_DIR"] = str(folder)
    api.ok("PATCH", "/tills/till-1", {"printer_url": "tcp://10.0.0.5:9100"}, as_="manager")
    for url, why in [("tcp://10.0.0.5:22", "printer ports only (9100-9109)"), ("tcp://127.0.0.1:5432", "printer ports"),
                     ("file:///etc/passwd", "inside the print folder"), (f"file://{folder}/../x.bin", "'..'"),
                     (f"file://{folder}/out/x.bin", "leads elsewhere"), ("laser://x", "not a printer address")]:
        code, body = api.call("PATCH", "/tills/till-1", {"printer_url": url, "printer_width": 32}, as_="manager")
        assert code == 422, url
        assert why in body["error"]["details"]["printer_url"][0], body
    assert [(t["printer_url"], t["printer_width"]) for t in api.ok("GET", "/tills", as_="manager")
            if t["code"] == "till-1"] == [("tcp://10.0.0.5:9100", 48)]
    assert api.ok("PATCH", "/tills/till-1", {"printer_url": f"file://{folder}/till-1.bin"},
                  as_="manager")["printer_url"] == f"file://{folder}/till-1.bin"
    app.config["PRINTER_PORTS"] = "9100-9109,515"
    assert api.ok("PATCH", "/tills/till-1", {"printer_url": "tcp://10.0.0.5:515"}, as_="manager")


def test_a_saved_address_refused_since_fails_the_job_without_sending(app, api, printers):
    """The rule is checked again when printing: a port no longer allowed is not reached, nor retried."""
    printer = printers("normal")
    paid, _ = paid_sale(api, printer.url)
    app.config["PRINTER_PORTS"] = "9100"
    send_jobs(app)
    job = jobs(api, paid["sale"]["id"])[0]
    assert (job["status"], job["attempts"]) == ("failed", 1)
    assert "address is refused" in job["error"] and "printer ports only" in job["error"]
    printer.stop()
    assert printer.connections == 0


@pytest.mark.sqlite_only
def test_a_bad_printer_setting_stops_the_start(app_config, tmp_path):
    from pos_loyalty import create_app
    from pos_loyalty.printing.transports import PrinterConfigError

    with pytest.raises(PrinterConfigError, match="POS_LOYALTY_PRINTER='tcp://10.0.0.5:22': receipts go to printer"):
        create_app({**app_config, "PRINTER_URL": "tcp://10.0.0.5:22"})
    with pytest.raises(PrinterConfigError, match="POS_LOYALTY_PRINTER='file:///etc/passwd'"):
        create_app({**app_config, "PRINTER_URL": "file:///etc/passwd", "PRINT_DIR": str(tmp_path)})
    with pytest.raises(PrinterConfigError, match="POS_LOYALTY_PRINTER_PORTS='nine'"):
        create_app({**app_config, "PRINTER_PORTS": "nine"})
    started = create_app({**app_config, "PRINTER_URL": "tcp://10.0.0.5:515", "PRINTER_PORTS": "515"})
    with started.app_context():
        from pos_loyalty.extensions import db

        db.engine.dispose()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("variables,message", [
    ({"POS_LOYALTY_PRINTER": "tcp://10.0.0.5:22"}, "Error: POS_LOYALTY_PRINTER='tcp://10.0.0.5:22': receipts go to "
                                                   "printer ports only (9100-9109)"),
    ({"POS_LOYALTY_PRINTER_PORTS": "9100-"}, "Error: POS_LOYALTY_PRINTER_PORTS='9100-': a comma-separated list"),
])
def test_the_command_says_which_printer_setting_to_mend(database_url, variables, message):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "POS_LOYALTY_DATABASE_URL": database_url, "POS_LOYALTY_SECRET_KEY": "x", **variables}
    done = subprocess.run([str(Path(sys.executable).with_name("pos-loyalty")), "serve", "--port", "1"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.sqlite_only
@pytest.mark.parametrize("language,notice,state,reprint", [
    ("en", "Sent, not confirmed: the printer did not confirm this receipt", "sent, not confirmed", "Reprint"),
    ("fr", "Envoyé, non confirmé : l'imprimante n'a pas confirmé ce ticket", "envoyé, non confirmé",
     "Réimprimer"),
    ("it", "Inviato, non confermato: la stampante non ha confermato questo scontrino", "inviato, non confermato",
     "Ristampa"),
])
def test_the_till_shows_a_receipt_sent_not_confirmed_with_a_reprint_button(app, api, printers, language, notice,
                                                                          state, reprint):
    from panel.logins import log_in

    from pos_loyalty.services.staff import add_staff

    mute = printers("mute-after")
    paid, _ = paid_sale(api, mute.url)
    sale_id = paid["sale"]["id"]
    send_jobs(app)
    with app.app_context():
        add_staff("Camille", "cashier", "1234")
    panel = app.test_client()
    log_in(panel, "Camille", "1234")
    page = panel.get(f"/panel/sales/{sale_id}/done?lang={language}").get_data(as_text=True)
    assert notice in page and f"<strong>{state}</strong>" in page
    assert f'action="/panel/sales/{sale_id}/print"' in page and f'data-testid="print">{reprint}</button>' in page

    back = printers("normal")
    api.ok("PATCH", "/tills/till-1", {"printer_url": back.url}, as_="manager")
    page = panel.get(f"/panel/sales/{sale_id}/done?lang={language}").get_data(as_text=True)
    reprinted = panel.post(f"/panel/sales/{sale_id}/print", data={"csrf_token": csrf_of(page)})
    assert reprinted.status_code == 302
    send_jobs(app)
    page = panel.get(f"/panel/sales/{sale_id}/done?lang={language}").get_data(as_text=True)
    assert notice not in page  # the latest job printed
    assert [j["status"] for j in jobs(api, sale_id)] == ["unconfirmed", "printed"]


def csrf_of(page: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
