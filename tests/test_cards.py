"""The client's own card, /card/<token>, on SQLite and PostgreSQL: what it shows (the till's own loyalty
summary, the last paid visits, the referral link and its QR code), what it never shows (an unknown, revoked
or erased card, balances while the programme is off), its private headers, its language; `card_url` in the
API's client answers and the receipt's QR code leading to it; the /r/<code> referral link."""
import re
from datetime import date

import zxingcpp
from PIL import Image

from conftest import prepared_fixtures
from salon_setup import add_item, add_reward, give_points, new_client, sell, set_program
from panel.logins import log_in, post_form
from printing.escpos_reader import decode

CARD_PATH = re.compile(r"^https?://[^/]+(/card/[A-Za-z0-9_-]{43})$")


def path_of(card_url: str) -> str:
    match = CARD_PATH.match(card_url)
    assert match, card_url
    return match.group(1)


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u202f", " ").replace("\xa0", " ").split())


def qr_text_of(response) -> str:
    """The card's inline SVG QR code, drawn and read back by zxing."""
    svg = re.search(r"<svg.*?</svg>", response.get_data(as_text=True), flags=re.S).group(0)
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    image = Image.new("L", (size * 8, size * 8), 255)
    pixels = image.load()
    for x, y, w, h in re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", svg):
        for px in range(int(x) * 8, int(w) * 8):
            for py in range(int(y) * 8, int(h) * 8):
                pixels[px, py] = 0
    found = zxingcpp.read_barcode(image)
    assert found is not None, "the QR code does not scan"
    return found.text


def build_hélène(app, api, clock):
    add_item(api, "BRUSH", "Brushing", "30.00", category="cut")
    add_reward(api, "10 € offerts", 100)
    add_reward(api, "Bon de 25 €", 250, value="25.00")
    client = new_client(api, "Hélène", "Dupré", phone="06 12 34 56 78")
    give_points(api, client["id"], 200)
    for _ in range(6):
        sell(api, client["id"], ("BRUSH", 1, "30.00"))
        clock.advance(days=1)
    return client


# Made once per module and backend; each test that uses it has a copy of its database (conftest.Prepared).
prepared, database_url, clock, api, hélène = prepared_fixtures(build_hélène, "hélène")


def test_the_card_shows_the_till_s_summary_the_last_visits_and_the_referral_qr(app, api, client, hélène):
    summary = api.ok("GET", f"/clients/{hélène['id']}/loyalty")
    assert summary["balance"] == 380
    page = client.get(path_of(hélène["card_url"]), headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page.status_code == 200
    text = text_of(page)
    assert "Salon Étoile" in text and "Hello Hélène" in text and "Dupré" not in text
    assert "06 12" not in text  # nothing the card does not need
    assert re.search(r"Hello Hélène 380 points", text)
    assert len(summary["expiring"]) == 6
    for lot in summary["expiring"]:  # each lot with its date in the page's language
        on = date.fromisoformat(lot["expires_on"])
        assert f"{lot['points']} points expire on {on.day} Nov {on.year}" in text, lot
    assert "10 € offerts · 100 points" in text and "Bon de 25 € · 250 points" in text  # redeemable now
    assert summary["next_reward"] is None and "No reward to reach" not in text
    visits = re.search(r"My last visits (.*?) Invite your friends", text).group(1)
    assert visits.count("Salon Étoile") == 5  # the last five of six paid sales, newest first
    assert visits.startswith("27 Nov 2026 · Salon Étoile +30") and "22 Nov 2026" not in visits
    assert "HELENE-DUPRE" in text
    link = re.search(r'data-testid="card-referral-link" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert link == "https://salon.example/r/HELENE-DUPRE" == hélène["referral_link"]
    assert qr_text_of(page) == link


def test_the_next_reward_and_how_far_come_from_the_same_summary(app, api, client):
    add_reward(api, "Bon de 25 €", 250, value="25.00")
    marie = new_client(api, "Marie", "Dupont")
    give_points(api, marie["id"], 210)
    text = text_of(client.get(path_of(marie["card_url"]), headers={"Accept-Language": "en"}))
    assert api.ok("GET", f"/clients/{marie['id']}/loyalty")["next_reward"]["points_missing"] == 40
    assert "40 more points for: Bon de 25 €" in text and "No visit yet." in text


def test_the_card_is_private_and_never_cached(api, client, hélène):
    page = client.get(path_of(hélène["card_url"]))
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page.headers["X-Robots-Tag"] and '<meta name="robots" content="noindex' in page.text
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in page.headers  # no session for a card
    missing = client.get("/card/" + "x" * 43)
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "private, no-store"


def test_language_from_the_browser_or_the_links(api, client, hélène):
    path = path_of(hélène["card_url"])
    assert "Bonjour Hélène" in text_of(client.get(path, headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert "Ciao Hélène" in text_of(client.get(path, headers={"Accept-Language": "it-IT"}))
    assert "Hello Hélène" in text_of(client.get(path, headers={"Accept-Language": "de-DE,en;q=0.5"}))
    french = client.get(path + "?lang=fr", headers={"Accept-Language": "en"})
    assert "Bonjour Hélène" in text_of(french) and "nov. 2027" in text_of(french)
    for code in ("fr", "en", "it"):
        assert f'href="{path}?lang={code}"' in french.text


def test_unknown_revoked_and_erased_cards_are_the_panel_s_404(app, api, client, hélène):
    path = path_of(hélène["card_url"])
    for unknown in ("/card/" + "A" * 43, "/card/" + path[-42:], "/card/" + "é" * 10, "/card/" + "a" * 300):
        answer = client.get(unknown)
        assert answer.status_code == 404 and 'data-testid="error-page"' in answer.text
        assert "Hélène" not in answer.text and "/login" not in answer.text  # no staff page offered to a client
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Client

        db.session.get(Client, hélène["id"]).erased_at = app.extensions["pos_loyalty"].now()
        db.session.commit()
    erased = client.get(path)
    assert erased.status_code == 404 and "Hélène" not in erased.text


def test_a_manager_revokes_the_card_the_old_link_is_404_at_once(app, api, client, hélène):
    old = hélène["card_url"]
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Isabelle", "manager", "9876")
    manager = app.test_client()
    log_in(manager, "Isabelle", "9876")
    box = manager.get(f"/manage/clients/{hélène['id']}").text
    assert 'data-testid="client-card-box"' in box and old in box and "<svg" in box
    revoked = post_form(manager, f"/manage/clients/{hélène['id']}/card")
    assert revoked.status_code == 302
    assert client.get(path_of(old)).status_code == 404
    new = api.ok("GET", f"/clients/{hélène['id']}")["card_url"]
    assert new != old and client.get(path_of(new)).status_code == 200
    assert new in manager.get(f"/manage/clients/{hélène['id']}").text
    (entry, *_) = api.ok("GET", "/audit", as_="manager")["items"]
    assert entry["action"] == "client.card_revoke" and entry["object"] == f"client {hélène['id']}"
    assert path_of(old)[6:] not in str(entry) and path_of(new)[6:] not in str(entry)  # never the token
    audit_page = manager.get("/manage/audit").text
    assert "Client card revoked (new link)" in audit_page or "Carte client révoquée" in audit_page


def test_a_cashier_cannot_revoke_a_card(app, api, hélène):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
    cashier = app.test_client()
    log_in(cashier, "Camille", "1234")
    assert post_form(cashier, f"/manage/clients/{hélène['id']}/card").status_code == 403
    assert api.ok("GET", f"/clients/{hélène['id']}")["card_url"] == hélène["card_url"]


def test_a_disabled_programme_hides_the_points_on_the_card(api, client, hélène):
    set_program(api, enabled=False)
    text = text_of(client.get(path_of(hélène["card_url"]), headers={"Accept-Language": "en"}))
    assert "programme is paused" in text
    assert "380" not in text and "expire" not in text and "10 € offerts" not in text and "+30" not in text
    assert "27 Nov 2026 · Salon Étoile" in text  # the visits stay, without points
    set_program(api, enabled=True)
    assert "380" in text_of(client.get(path_of(hélène["card_url"])))


def test_card_url_in_every_client_answer(api):
    made = new_client(api, "Marie", "Dupont")
    assert CARD_PATH.match(made["card_url"])
    assert api.ok("GET", f"/clients/{made['id']}")["card_url"] == made["card_url"]
    assert api.ok("GET", "/clients", query={"q": "dupont"})["items"][0]["card_url"] == made["card_url"]
    other = new_client(api, "Paul", "Martin")
    assert other["card_url"] != made["card_url"]
    document = api.ok("GET", "/openapi.json", as_=None)
    assert "card_url" in document["components"]["schemas"]["Client"]["properties"]


def test_public_url_and_the_default_referral_link(app_config):
    from pos_loyalty import create_app

    app = create_app({**app_config, "PUBLIC_URL": "https://salon-etoile.fr/", "REFERRAL_LINK": None})
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon
        from pos_loyalty.services.staff import create_token

        ensure_salon()
        token = create_token("till", "till-1", "till-1")[1]
    http = app.test_client()
    made = http.post("/api/v1/clients", json={"first_name": "Marie", "last_name": "Dupont"},
                     headers={"Authorization": f"Bearer {token}"}).get_json()
    assert made["referral_link"] == "https://salon-etoile.fr/r/MARIE-DUPONT"
    assert made["card_url"].startswith("https://salon-etoile.fr/card/")
    assert http.get("/r/MARIE-DUPONT").headers["Location"] == "/join?ref=MARIE-DUPONT"
    without = create_app({**app_config, "REFERRAL_LINK": None})
    with without.test_request_context("/", base_url="http://10.0.0.5:8080"):
        runtime = without.extensions["pos_loyalty"]
        assert runtime.referral_link.format(code="X") == "http://10.0.0.5:8080/r/X"
        assert runtime.card_url("abc") == "http://10.0.0.5:8080/card/abc"
    with without.app_context():
        assert without.extensions["pos_loyalty"].card_url("abc") == "http://127.0.0.1:5000/card/abc"


def test_the_receipt_s_qr_code_leads_to_the_card_and_prints_the_referral_link(api, hélène):
    sale = sell(api, hélène["id"], ("BRUSH", 1, "30.00"))["sale"]
    card = api.ok("GET", f"/clients/{hélène['id']}")["card_url"]
    escpos = api.http.get(f"/api/v1/sales/{sale['id']}/receipt?format=escpos&width=48",
                          headers={"Authorization": f"Bearer {api.tokens['till']}"})
    decoded = decode(escpos.data)
    assert decoded.qr_payloads == [card]
    assert "https://salon.example/r/HELENE-DUPRE" in decoded.text  # the referral link, as text
    text = api.http.get(f"/api/v1/sales/{sale['id']}/receipt?format=text&width=48",
                        headers={"Authorization": f"Bearer {api.tokens['till']}"}).text
    assert card in text and "https://salon.example/r/HELENE-DUPRE" in text
    without = api.ok("POST", "/sales", {"lines": [{"code": "BRUSH", "quantity": 1, "unit_price": "30.00"}]})
    api.ok("POST", f"/sales/{without['id']}/payments", {"amount": without["due"], "method": "card"})
    anonymous = api.http.get(f"/api/v1/sales/{without['id']}/receipt?format=escpos&width=48",
                             headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert decode(anonymous.data).qr_payloads == [] and not decode(anonymous.data).images
