"""GET /reports/clients.csv: every client as a spreadsheet reads it (accents kept by headless LibreOffice),
the balances equal the loyalty summaries, formula-looking cells defused, and a stream whose memory does not
grow with the number of clients."""
import csv
import io
import os
import shutil
import subprocess
import tracemalloc
import xml.etree.ElementTree as ElementTree
import zipfile
from datetime import UTC, datetime

import pytest

from salon_setup import add_item, add_reward, balance, give_points, new_client, sell, set_program

NAMES = [("Éloïse", "Müller-Ñúñez"), ("Zoë", "Ægir-Þórsdóttir"), ("Łucja", "Wąsowska"), ("François", "L'Œillet"),
         ("Søren", "Ærø"), ("Ана", "Иванова"), ("陽菜", "佐藤")]
HEADER = ["id", "first_name", "last_name", "email", "phone", "referral_code", "balance", "lifetime_points",
          "rewards_redeemed", "referrals", "last_visit"]


def export(api):
    response = api.http.get("/api/v1/reports/clients.csv",
                            headers={"Authorization": f"Bearer {api.tokens['manager']}"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.fixture
def clients(app, api, clock):
    set_program(api, points_per_unit="1", validity_months=12, referrer_bonus=30, welcome_bonus=10)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    reward = add_reward(api, "10 € off", 50)
    made = []
    clock.set(datetime(2025, 11, 1, 10, tzinfo=UTC))
    old = new_client(api, "Paul", "Ancien")
    sell(api, old["id"], ("CUT", 1, "40.00"))  # expires 2026-11-01: past, not swept yet
    made.append(old)
    clock.set(datetime(2026, 11, 20, 15, tzinfo=UTC))
    for number, (first, last) in enumerate(NAMES):
        referrer = made[1]["referral_code"] if number == 3 and len(made) > 1 else None
        client = new_client(api, first, last, email=f"client{number}@example.com", referred_by=referrer)
        give_points(api, client["id"], 20 * (number + 1))
        made.append(client)
    zoe = made[2]
    sell(api, zoe["id"], ("CUT", 1, "40.00"))
    sale = sell(api, zoe["id"], ("CUT", 1, "40.00"), pay=False)
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": held["due"], "method": "card"})
    tricky = new_client(api, "=HYPERLINK(\"http://evil\")", "@SUM(A1)", phone="+33 6 12 34 56 78",
                        email="tricky@example.com")
    made.append(tricky)
    gone = new_client(api, "Xavier", "Effacé")
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Client

        db.session.get(Client, gone["id"]).erased_at = clock()
        db.session.commit()
    clock.set(datetime(2026, 11, 22, 9, 15, tzinfo=UTC))
    return {"made": made, "gone": gone}


def test_the_export_is_one_header_and_a_row_per_client_with_their_summary_balance(api, clients):
    response = export(api)
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="clients-2026-11-22.csv"'
    rows = rows_of(response.get_data())
    assert rows[0] == HEADER and rows.count(HEADER) == 1
    by_id = {int(row[0]): dict(zip(HEADER, row)) for row in rows[1:]}
    made = clients["made"]
    assert sorted(by_id) == sorted(client["id"] for client in made)  # the erased client is left out
    assert clients["gone"]["id"] not in by_id and "Xavier" not in response.get_data(as_text=True)
    for client in made:
        row = by_id[client["id"]]
        assert int(row["balance"]) == balance(api, client["id"]), row
    paul, eloise, zoe = (by_id[made[index]["id"]] for index in range(3))
    assert (paul["balance"], paul["lifetime_points"], paul["last_visit"]) == ("0", "40", "2025-11-01")
    assert (eloise["first_name"], eloise["last_name"]) == ("Éloïse", "Müller-Ñúñez")
    assert eloise["referrals"] == "1" and eloise["referral_code"] == made[1]["referral_code"]
    # Zoë: 40 by hand, 40 spent, then 30 paid with a reward of 50 points.
    assert (zoe["lifetime_points"], zoe["rewards_redeemed"], zoe["balance"]) == ("110", "1", "60")
    assert zoe["last_visit"] == "2026-11-20"
    tricky = by_id[made[-1]["id"]]
    assert tricky["first_name"] == "'=HYPERLINK(\"http://evil\")" and tricky["last_name"] == "'@SUM(A1)"
    assert tricky["phone"] == "'+33 6 12 34 56 78" and tricky["email"] == "tricky@example.com"


def shared_strings(xlsx: bytes) -> list[str]:
    namespace = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    return ["".join(node.text or "" for node in item.iter(namespace + "t")) for item in root.iter(namespace + "si")]


@pytest.mark.sqlite_only
def test_libreoffice_keeps_every_accented_name(api, clients, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs the spreadsheet test: soffice is missing (apt-get install libreoffice-calc-nogui)")
        pytest.skip("soffice (LibreOffice) is missing: apt-get install libreoffice-calc-nogui")
    source = tmp_path / "clients.csv"
    source.write_bytes(export(api).get_data())
    profile = tmp_path / "lo-profile"
    # Headless, LibreOffice asks no question: the import filter says comma, double quote, UTF-8 (76), from
    # line 1, as its import dialog offers for a file with a UTF-8 BOM; the BOM must then not reach a cell.
    result = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                             "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                             str(source)],
                            capture_output=True, text=True, timeout=120)
    converted = tmp_path / "clients.xlsx"
    assert converted.exists(), (result.returncode, result.stdout, result.stderr)
    strings = shared_strings(converted.read_bytes())
    for first, last in NAMES:
        assert first in strings and last in strings, (first, last, strings)
    assert strings[:3] == ["id", "first_name", "last_name"], strings[:3]  # the BOM is not part of a name


def bulk_clients(app, count: int) -> None:
    """`count` clients with an account and one credit each, written in bulk (the API would take minutes)."""
    from sqlalchemy import insert, select

    from pos_loyalty.extensions import db
    from pos_loyalty.models import Client, LedgerEntry, PointsAccount

    now = datetime(2026, 11, 1, tzinfo=UTC)
    with app.app_context():
        start = db.session.scalar(select(Client.id).order_by(Client.id.desc()).limit(1)) or 0
        db.session.execute(insert(Client), [
            {"id": start + n, "first_name": f"Prénom{n}", "last_name": f"Nom-Élevé{n}", "search_text": f"c{n}",
             "referral_code": f"C-{start + n}", "card_token": f"t{start + n}", "created_at": now, "subscriber": False,
             "email_opt_in": False} for n in range(1, count + 1)])
        db.session.execute(insert(PointsAccount), [
            {"id": start + n, "client_id": start + n, "balance": n % 97, "held": 0, "debt": 0}
            for n in range(1, count + 1)])
        db.session.execute(insert(LedgerEntry), [
            {"account_id": start + n, "at": now, "kind": "adjust", "points": n % 97, "description": "Opening",
             "staff": "bulk"} for n in range(1, count + 1)])
        db.session.commit()


def stream_peak(app, api) -> tuple[int, int, int, int]:
    """(peak bytes allocated while the answer streams, chunks, SELECT statements, lines) for the whole export."""
    from sqlalchemy import event

    from pos_loyalty.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        tracemalloc.start()  # before the request: the test client reads the first chunk at once
        response = api.http.get("/api/v1/reports/clients.csv", buffered=False,
                                headers={"Authorization": f"Bearer {api.tokens['manager']}"})
        chunks = lines = 0
        for chunk in response.response:
            chunks += 1
            lines += chunk.count(b"\n")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        response.close()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return peak, chunks, len(statements), lines


@pytest.mark.sqlite_only
def test_the_stream_keeps_to_one_batch_of_memory_whatever_the_number_of_clients(app, api):
    from pos_loyalty.services.loyalty_reports import CSV_BATCH

    bulk_clients(app, 500)
    small_peak, small_chunks, small_selects, small_lines = stream_peak(app, api)
    bulk_clients(app, 4500)
    big_peak, big_chunks, big_selects, big_lines = stream_peak(app, api)
    assert (small_lines, big_lines) == (501, 5001)
    assert big_chunks >= 5000 // 200 and small_chunks >= 500 // 200  # streamed, not one body
    # Two statements per batch of CSV_BATCH clients (its ids, then its figures), whatever the history.
    assert big_selects - small_selects == 2 * (5000 - 500) // CSV_BATCH
    assert big_peak < 2 * small_peak, (small_peak, big_peak)  # ten times the clients, not ten times the memory


def test_the_audit_trail_says_who_took_the_file(api, clients):
    export(api)
    entries = api.ok("GET", "/audit", query={"action": "client.export_all"}, as_="manager")["items"]
    assert [(entry["staff"], entry["channel"], entry["after"]) for entry in entries] == [
        ("Ana (manager)", "api", {"file": "clients-2026-11-22.csv"})]
