"""E-mails as clients receive them, through a real SMTP server on loopback (aiosmtpd): the outbox written
with the event, the worker sending it (called here as the server's thread would: send_due_mails), retries
past a dead server, consent, notify, the unsubscribe link, STARTTLS."""
from __future__ import annotations

import re
import ssl
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from salon_setup import add_item, add_reward, give_points, new_client, sell, set_program
from mail.smtp_server import SmtpServer, parts

from pos_loyalty.extensions import db
from pos_loyalty.models import Client, RewardGrant
from pos_loyalty.models.mail import OutboxMail
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.mail_worker import send_due_mails
from pos_loyalty.services.transaction import transaction

PUBLIC = "https://salon.example"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_URL": smtp.url, "MAIL_WORKER": "manual", "PUBLIC_URL": PUBLIC,
            "MAIL_FROM": "fidelite@salon.example"}


@pytest.fixture(autouse=True)
def milestone_reward(api):
    """The reward the codes below are issued for (far out of reach of the sales in these tests)."""
    return add_reward(api, "10 € off", 10000)


def outbox(app) -> list[OutboxMail]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
        db.session.expunge_all()
        return rows


def send(app) -> int:
    with app.app_context():
        return send_due_mails()


def marie(api, **fields):
    return new_client(api, "Marie", "Dupont", email="marie@example.com", email_opt_in=True, **fields)


def issue_code(app, client_id: int, code: str = "KXQBRT") -> None:
    """A milestone code as the engine issues it, with its mail, in one transaction."""
    from pos_loyalty.services.mail_notices import reward_unlocked

    with app.app_context(), transaction():
        client = db.session.get(Client, client_id)
        clock = salon_time(1)
        grant = RewardGrant(client_id=client_id, reward_id=1, name="10 € off", kind="amount_off", value="10.00",
                            reason="milestone", granted_by="automatic", granted_at=clock.now, source="milestone",
                            code=code)
        db.session.add(grant)
        db.session.flush()
        assert reward_unlocked(client, grant, clock)


def test_reward_unlocked_arrives_with_its_code_parts_and_unsubscribe_link(app, api, smtp):
    client = marie(api)
    issue_code(app, client["id"])
    assert send(app) == 1
    [message] = smtp.messages
    assert message["Subject"] == "Vous avez gagné une récompense"
    assert message["To"] == "marie@example.com"
    assert message["From"] == "Salon Étoile <fidelite@salon.example>"
    text, html = parts(message)
    assert "KXQBRT" in text and "Bonjour Marie" in text
    assert re.search(r">\s*KXQBRT\s*<", html) and "font-size:40px" in html  # the code, big
    assert client["card_url"] in text and client["card_url"] in html
    header = message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(https://salon\.example/mail/unsubscribe/[^>]+)>", header).group(1)
    raw = smtp.inbox.envelopes[0].content.decode("ascii")
    assert f"\r\nList-Unsubscribe: <{link}>\r\n" in raw  # plain, as mail programs read it: no encoded words
    assert link in text and link in html
    [row] = outbox(app)
    assert (row.status, row.attempts, row.kind, row.dedupe_key) == ("sent", 1, "reward_unlocked",
                                                                   f"reward_unlocked:grant:{row.dedupe_key.split(':')[-1]}")
    assert send(app) == 0 and len(smtp.messages) == 1  # sent once


def test_the_same_notice_is_written_once(app, api, smtp):
    client = marie(api)
    from pos_loyalty.services.mail_notices import points_expiring
    from datetime import date

    for _ in range(2):
        with app.app_context(), transaction():
            points_expiring(db.session.get(Client, client["id"]), 99, 40, date(2026, 12, 15), salon_time(1))
    assert len(outbox(app)) == 1


def test_a_client_without_consent_or_address_receives_nothing(app, api, smtp):
    silent = new_client(api, "Paul", "Martin", email="paul@example.com")  # email_opt_in false by default
    no_address = new_client(api, "Léa", "Bernard", phone="0611223344", email_opt_in=True)
    assert not issue_code_silently(app, silent["id"])
    with app.app_context(), transaction():
        from pos_loyalty.services.mail_notices import reward_unlocked

        grant = RewardGrant(client_id=no_address["id"], reward_id=1, name="x", kind="amount_off", value="1",
                            reason="", granted_by="", granted_at=salon_time(1).now, source="milestone", code="BBBBBB")
        db.session.add(grant)
        db.session.flush()
        assert not reward_unlocked(db.session.get(Client, no_address["id"]), grant, salon_time(1))
    assert outbox(app) == [] and send(app) == 0 and smtp.messages == []


def issue_code_silently(app, client_id):
    from pos_loyalty.services.mail_notices import reward_unlocked

    with app.app_context(), transaction():
        grant = RewardGrant(client_id=client_id, reward_id=1, name="x", kind="amount_off", value="1", reason="",
                            granted_by="", granted_at=salon_time(1).now, source="milestone", code="CCCCCC")
        db.session.add(grant)
        db.session.flush()
        return reward_unlocked(db.session.get(Client, client_id), grant, salon_time(1))


def test_redeem_mode_a_sale_that_brings_a_reward_within_reach(app, api, smtp):
    set_program(api, points_per_unit="1")
    add_item(api, "CUT", "Cut", "30.00")
    add_reward(api, "Free brushing", 100)
    client = marie(api)
    give_points(api, client["id"], 80)
    sell(api, client["id"], ("CUT", 1, "30.00"))  # 80 -> 110: crosses 100
    sell(api, client["id"], ("CUT", 1, "30.00"))  # 110 -> 140: nothing new
    assert send(app) == 1
    [message] = smtp.messages
    assert message["Subject"] == "Une récompense est à votre portée"
    text, _ = parts(message)
    assert "Avec 110 points" in text and "Free brushing" in text


def test_a_dead_smtp_server_delays_no_sale_and_the_mail_goes_out_once_it_is_back(app, api, smtp, clock):
    set_program(api, points_per_unit="1")
    add_item(api, "CUT", "Cut", "30.00")
    add_reward(api, "Free brushing", 100)
    client = marie(api)
    give_points(api, client["id"], 80)
    smtp.stop()  # the server is down when the client pays
    paid = sell(api, client["id"], ("CUT", 1, "30.00"))
    assert paid["status"] == "paid"
    assert send(app) == 1  # the worker tried, and failed
    [row] = outbox(app)
    assert row.status == "waiting" and row.attempts == 1 and "refused the connection" in row.last_error
    assert row.next_attempt_at > clock()
    assert send(app) == 0  # not before its backoff
    smtp.start()
    clock.advance(minutes=1, seconds=1)
    assert send(app) == 1
    [row] = outbox(app)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    [message] = smtp.messages
    assert message["Subject"] == "Une récompense est à votre portée"


def test_after_the_last_attempt_the_mail_is_failed_with_its_reason(app, api, smtp, clock):
    client = marie(api)
    smtp.stop()
    issue_code(app, client["id"])
    from pos_loyalty.services.mail_worker import MAX_ATTEMPTS

    for attempt in range(MAX_ATTEMPTS):
        assert send(app) == 1
        clock.advance(hours=5)
    [row] = outbox(app)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert row.last_error.startswith(f"Gave up after {MAX_ATTEMPTS} attempts")
    assert send(app) == 0


def test_two_workers_never_send_one_mail_twice(app, api, smtp):
    from pos_loyalty.services.mail_worker import _claim

    client = marie(api)
    issue_code(app, client["id"])
    [row] = outbox(app)
    with app.app_context():
        now = datetime.now(UTC)
        assert _claim(row.id, now) is True
        assert _claim(row.id, now) is False  # the second process finds it taken


def test_the_unsubscribe_link_stops_the_next_mail(app, api, smtp, client):
    customer = marie(api)
    issue_code(app, customer["id"])
    send(app)
    link = re.fullmatch(r"<([^>]+)>", smtp.messages[0]["List-Unsubscribe"]).group(1)
    path = link[len(PUBLIC):]
    page = client.get(path)
    assert page.status_code == 200 and "Stop these e-mails" in page.get_data(as_text=True) or \
        "Ne plus recevoir" in page.get_data(as_text=True)
    one_click = client.post(path, data={"List-Unsubscribe": "One-Click"})  # as a mail client does: no CSRF token
    assert one_click.status_code == 200
    assert 'data-testid="unsubscribed"' in one_click.get_data(as_text=True)
    assert api.ok("GET", f"/clients/{customer['id']}")["email_opt_in"] is False
    assert not issue_code_silently(app, customer["id"])
    assert send(app) == 0 and len(smtp.messages) == 1
    forged = client.post(path[:-3] + "abc")
    assert forged.status_code == 404 and 'data-testid="unsubscribe-invalid"' in forged.get_data(as_text=True)
    assert client.get("/mail/unsubscribe/nonsense").status_code == 404


def test_a_mail_waiting_when_the_client_unsubscribes_is_not_sent(app, api, smtp, client):
    customer = marie(api)
    issue_code(app, customer["id"])
    api.ok("PATCH", f"/clients/{customer['id']}", {"email_opt_in": False}, as_="manager")
    assert send(app) == 1
    [row] = outbox(app)
    assert row.status == "failed" and "no longer accepts" in row.last_error and smtp.messages == []


def test_notify_twice_sends_each_expiry_notice_once(app, api, smtp, clock):
    set_program(api, points_per_unit="1", validity_months=12)
    add_item(api, "CUT", "Cut", "30.00")
    client = marie(api)
    sell(api, client["id"], ("CUT", 1, "30.00"))  # 30 points, expiring in 12 months
    runner = app.test_cli_runner()
    early = runner.invoke(args=["notify", "--on", "2027-09-01"])
    assert "0 expiry notices written" in early.output, early.output
    first = runner.invoke(args=["notify", "--on", "2027-11-01"])
    assert "1 expiry notices written" in first.output and "1 mails sent" in first.output, first.output
    second = runner.invoke(args=["notify", "--on", "2027-11-02"])
    assert "0 expiry notices written" in second.output and "0 mails sent" in second.output, second.output
    [message] = smtp.messages
    assert message["Subject"] == "Vos points expirent bientôt"
    text, _ = parts(message)
    assert "30 de vos points" in text


def test_referral_thanks_when_the_referred_client_first_pays(app, api, smtp):
    set_program(api, points_per_unit="1", referrer_bonus=50, referral_thanks_email=True)
    add_item(api, "CUT", "Cut", "30.00")
    referrer = marie(api)
    friend = new_client(api, "Paul", "Martin", referred_by=referrer["referral_code"])
    sell(api, friend["id"], ("CUT", 1, "30.00"))
    sell(api, friend["id"], ("CUT", 1, "30.00"))
    send(app)
    [message] = smtp.messages
    assert message["To"] == "marie@example.com" and message["Subject"] == "Merci pour votre parrainage"
    assert "Paul" in parts(message)[0] and "50 points" in parts(message)[0]


def refer_by_hand(app, client_id: int, code: str, bonuses_now: bool) -> None:
    from pos_loyalty.models import Salon
    from pos_loyalty.services.actor import Actor
    from pos_loyalty.services.referrals import add_referral

    with app.app_context():
        salon_id = db.session.scalars(select(Salon.id).order_by(Salon.id)).first()
        add_referral(Actor("Isabelle", "manager", salon_id, channel="panel"), client_id, code, bonuses_now)


def test_a_referral_recorded_with_its_bonuses_now_thanks_the_referrer_once(app, api, smtp):
    set_program(api, points_per_unit="1", referrer_bonus=40, referral_thanks_email=True)
    add_item(api, "CUT", "Cut", "30.00")
    referrer = marie(api)
    friend = new_client(api, "Léon", "Petit")
    sell(api, friend["id"], ("CUT", 1, "30.00"))  # paid before anyone knew of the referral
    refer_by_hand(app, friend["id"], referrer["referral_code"], bonuses_now=True)
    sell(api, friend["id"], ("CUT", 1, "30.00"))
    send(app)
    [message] = smtp.messages
    assert message["To"] == "marie@example.com" and message["Subject"] == "Merci pour votre parrainage"
    assert "Léon" in parts(message)[0] and "40 points" in parts(message)[0]


def test_a_referral_recorded_for_the_first_sale_thanks_the_referrer_at_that_sale(app, api, smtp):
    set_program(api, points_per_unit="1", referrer_bonus=40, referral_thanks_email=True)
    add_item(api, "CUT", "Cut", "30.00")
    referrer = marie(api)
    friend = new_client(api, "Léon", "Petit")
    refer_by_hand(app, friend["id"], referrer["referral_code"], bonuses_now=False)
    send(app)
    assert smtp.messages == []  # nothing yet: the bonus comes with the first paid sale
    sell(api, friend["id"], ("CUT", 1, "30.00"))
    send(app)
    [message] = smtp.messages
    assert "Léon" in parts(message)[0] and "40 points" in parts(message)[0]


def test_a_referral_recorded_by_hand_thanks_nobody_when_the_programme_says_not_to(app, api, smtp):
    set_program(api, points_per_unit="1", referrer_bonus=40, referral_thanks_email=False)
    referrer = marie(api)
    friend = new_client(api, "Léon", "Petit")
    refer_by_hand(app, friend["id"], referrer["referral_code"], bonuses_now=True)
    send(app)
    assert smtp.messages == [] and outbox(app) == []


def test_without_an_smtp_url_nothing_is_written(app_config, smtp):
    from pos_loyalty import create_app

    app = create_app({**app_config, "SMTP_URL": None})
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon

        ensure_salon(name="Salon Étoile")
        from conftest import make_tokens, ApiClient

        api = ApiClient(app.test_client(), *make_tokens(app))
    customer = marie(api)
    assert not issue_code_silently(app, customer["id"])
    assert outbox(app) == []
    assert "No mail server" in app.test_cli_runner().invoke(args=["notify"]).output


def test_a_bad_smtp_url_stops_the_start(app_config):
    from pos_loyalty import create_app
    from pos_loyalty.mail.smtp import MailConfigError

    for url in ("http://mail.example", "smtp://host:99999", "smtp://host?starttls=maybe"):
        with pytest.raises(MailConfigError, match="POS_LOYALTY_SMTP_URL"):
            create_app({**app_config, "SMTP_URL": url})


def self_signed_context():
    """A server certificate for localhost, made here with `cryptography`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import tempfile

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    folder = tempfile.mkdtemp()
    cert_path, key_path = f"{folder}/cert.pem", f"{folder}/key.pem"
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


def test_starttls_and_login_when_the_url_asks(app, api, smtp, monkeypatch):
    """A server that requires STARTTLS and a login: the mail goes through with ?starttls=1 and user:password,
    and not without STARTTLS (the reason says so)."""
    from pos_loyalty.mail import smtp as transport

    server = SmtpServer(tls_context=self_signed_context(), require_starttls=True, auth={"salon": "s3cret"}).start()
    try:
        trusting = ssl.create_default_context()
        trusting.check_hostname, trusting.verify_mode = False, ssl.CERT_NONE  # the test's self-signed certificate
        real_send = transport.send_message
        monkeypatch.setattr("pos_loyalty.services.mail_worker.send_message",
                            lambda url, message, timeout: real_send(url, message, timeout, ssl_context=trusting))
        customer = marie(api)
        issue_code(app, customer["id"])
        app.config["SMTP_URL"] = f"smtp://salon:s3cret@127.0.0.1:{server.port}"  # no STARTTLS: refused
        send(app)
        [row] = outbox(app)
        assert row.status == "waiting" and "?starttls=1" in row.last_error, row.last_error
        app.config["SMTP_URL"] = f"smtp://salon:s3cret@127.0.0.1:{server.port}?starttls=1"
        with app.app_context(), transaction():
            db.session.get(OutboxMail, row.id).next_attempt_at = salon_time(1).now  # retry now
        assert send(app) == 1
        [message] = server.messages
        assert message["Subject"] == "Vous avez gagné une récompense"
        assert server.inbox.envelopes[0].mail_from == "fidelite@salon.example"
    finally:
        server.stop()
