"""A salon's own mail templates (MAIL_TEMPLATES), the salon's language, a broken template that never
fails a sale, and a mail whose sender died mid-send going out once its lease runs out."""
from __future__ import annotations


import pytest

from mail.smtp_server import SmtpServer, parts
from salon_setup import add_item, add_reward, give_points, new_client, sell, set_program

from pos_loyalty.extensions import db
from pos_loyalty.models import Salon
from pos_loyalty.models.mail import OutboxMail
from pos_loyalty.services.mail_worker import LEASE, _claim, send_due_mails


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def own_templates(tmp_path):
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "reward_within_reach.txt.j2").write_text(
        "Subject: {{ first_name }}, votre brushing vous attend\nBonjour {{ first_name }} !\n"
        "Arrêt : {{ unsubscribe_url }}\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def app_config(app_config, smtp, own_templates):
    return {**app_config, "SMTP_URL": smtp.url, "MAIL_WORKER": "manual", "PUBLIC_URL": "https://salon.example",
            "MAIL_TEMPLATES": str(own_templates)}


def within_reach(api):
    set_program(api, points_per_unit="1")
    add_item(api, "CUT", "Cut", "30.00")
    add_reward(api, "Free brushing", 100)
    marie = new_client(api, "Marie", "Dupont", email="marie@example.com", email_opt_in=True)
    give_points(api, marie["id"], 80)
    return sell(api, marie["id"], ("CUT", 1, "30.00"))


def send(app) -> int:
    with app.app_context():
        return send_due_mails()


def test_a_salon_template_replaces_the_bundled_one_and_keeps_the_others(app, api, smtp):
    within_reach(api)
    send(app)
    [message] = smtp.messages
    assert message["Subject"] == "Marie, votre brushing vous attend"
    text, html = parts(message)
    assert text.startswith("Bonjour Marie !")
    assert "Free brushing" in html and "Se désabonner" in html  # the bundled HTML part, unchanged


def test_the_salon_language_chooses_the_mail(app, api, smtp):
    with app.app_context():
        db.session.get(Salon, 1).locale = "it_IT"
        db.session.commit()
    within_reach(api)
    send(app)
    [message] = smtp.messages
    assert message["Subject"] == "Un premio è ora alla tua portata"
    assert "Con 110 punti" in parts(message)[0]


def test_a_broken_template_writes_no_mail_and_the_sale_is_paid(app, api, smtp, own_templates):
    (own_templates / "fr" / "reward_within_reach.txt.j2").write_text("Subject: {{ no_such_value }}\n", "utf-8")
    paid = within_reach(api)
    assert paid["status"] == "paid" and paid["balance"] == 110
    with app.app_context():
        assert db.session.query(OutboxMail).count() == 0


def test_a_mail_left_sending_by_a_dead_process_goes_out_after_its_lease(app, api, smtp, clock):
    within_reach(api)
    with app.app_context():
        mail_id = db.session.query(OutboxMail.id).scalar()
        assert _claim(mail_id, clock())  # a process claimed it, then died before sending
    assert send(app) == 0  # still leased
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert send(app) == 1
    assert len(smtp.messages) == 1
    with app.app_context():
        assert db.session.get(OutboxMail, mail_id).status == "sent"


def test_an_address_no_mail_can_carry_fails_with_its_reason(app, api, smtp):
    within_reach(api)
    with app.app_context():
        mail = db.session.query(OutboxMail).one()
        mail.to_address = "marie@example.com\nBcc: everyone@example.com"  # as if stored by an old import
        db.session.commit()
    assert send(app) == 1
    with app.app_context():
        mail = db.session.query(OutboxMail).one()
        assert mail.status == "failed" and mail.last_error.startswith("This mail cannot be written")
    assert smtp.messages == []
