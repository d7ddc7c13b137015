"""A paid sale prints its receipt on the till's printer; a printer at fault never blocks the sale, the job
fails with its reason, and a reprint after the printer comes back prints it."""
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
def printers():
    started = []

    def start(mode="normal"):
        started.append(PrinterServer(mode))
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
    import qrcode

    assert [zxingcpp.read_barcode(qrcode.make(p).get_image().convert("L")).text for p in decoded.qr_payloads] == \
        ["https://salon.example/r/HELENE-DUPRE"]


@pytest.mark.parametrize("mode,reason", [("refuse", "refused the connection"), ("never-read", "does not answer"),
                                         ("close-mid-job", "dropped the connection"), ("paper-end", "out of paper")])
def test_printer_faults_leave_the_sale_paid_and_a_reprint_prints(app, api, clock, printers, mode, reason):
    faulty = printers(mode)
    paid, _ = paid_sale(api, faulty.url)
    sale_id = paid["sale"]["id"]
    for delay in (0, 5, 30):  # the first try and its two retries
        clock.advance(seconds=delay)
        send_jobs(app)
    job = api.ok("GET", f"/sales/{sale_id}/print-jobs")[0]
    assert job["status"] == "failed" and reason in job["error"] and job["attempts"] == 3
    assert api.ok("GET", f"/sales/{sale_id}")["status"] == "paid"

    back = printers("normal")
    api.ok("PATCH", "/tills/till-1", {"printer_url": back.url}, as_="manager")
    reprint = api.ok("POST", f"/sales/{sale_id}/print")
    assert reprint["status"] == "queued"
    send_jobs(app)
    assert [j["status"] for j in api.ok("GET", f"/sales/{sale_id}/print-jobs")] == ["failed", "printed"]
    back.stop()
    assert "Hélène" in decode(back.received[0]).text


def test_receipt_in_three_formats(api):
    paid, _ = paid_sale(api)
    sale_id = paid["sale"]["id"]
    text = api.http.get(f"/api/v1/sales/{sale_id}/receipt?format=text&width=32",
                        headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert text.status_code == 200 and "Hélène" in text.get_data(as_text=True)
    assert max(len(line) for line in text.get_data(as_text=True).splitlines()) <= 40
    raw = api.http.get(f"/api/v1/sales/{sale_id}/receipt?format=escpos",
                       headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert "147,80 €" in decode(raw.get_data()).text
    png = api.http.get(f"/api/v1/sales/{sale_id}/receipt?format=png",
                       headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert Image.open(io.BytesIO(png.get_data())).format == "PNG"
    code, body = api.call("GET", f"/sales/{sale_id}/receipt", query={"format": "pdf"})
    assert code == 422


def test_printing_without_a_printer_is_a_clear_refusal(api):
    paid, _ = paid_sale(api)
    code, body = api.call("POST", f"/sales/{paid['sale']['id']}/print")
    assert code == 409 and body["error"]["code"] == "no_printer"
    code, body = api.call("PATCH", "/tills/till-1", {"printer_url": "laser://x"}, as_="manager")
    assert code == 422 and "printer_url" in body["error"]["details"]
