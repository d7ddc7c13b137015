"""/manage/outbox as the manager reads it: the mails by status, a failure's reason, "send again" (a POST with
its CSRF token) that sends the mail once the server is back; the JSON twin; the erasure and the export."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from mail.smtp_server import SmtpServer
from salon_setup import add_item, add_reward, give_points, new_client, sell, set_program
from tests.panel.logins import csrf_of

from pos_loyalty.extensions import db
from pos_loyalty.models.mail import OutboxMail
from pos_loyalty.services.mail_worker import MAX_ATTEMPTS, send_due_mails


@pytest.fixture
def smtp():
    server = SmtpServer()  # not started: the mail server is down
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_URL": smtp.url, "MAIL_WORKER": "manual", "PUBLIC_URL": "https://salon.example"}


def send(app) -> int:
    with app.app_context():
        return send_due_mails()


def a_failed_mail(app, api, clock) -> dict:
    """Marie's sale brings a reward within reach while the mail server is down, until the worker gives up."""
    set_program(api, points_per_unit="1")
    add_item(api, "CUT", "Cut", "30.00")
    add_reward(api, "Free brushing", 100)
    marie = new_client(api, "Marie", "Dupont", email="marie@example.com", email_opt_in=True)
    give_points(api, marie["id"], 80)
    sell(api, marie["id"], ("CUT", 1, "30.00"))
    start = clock()
    for _ in range(MAX_ATTEMPTS):
        assert send(app) == 1
        clock.advance(hours=5)
    clock.set(start)  # back to the manager's day: the panel's session is still open
    return marie


def test_the_outbox_shows_the_failure_and_send_again_sends_it(app, api, manager, smtp, clock):
    a_failed_mail(app, api, clock)
    page = manager.get("/manage/outbox").get_data(as_text=True)
    assert 'href="/manage/outbox"' in manager.get("/manage/").get_data(as_text=True)  # in the menu
    assert "marie@example.com" in page and "Reward within reach" in page
    reason = re.search(r'data-testid="reason">([^<]+)<', page).group(1)
    assert f"Gave up after {MAX_ATTEMPTS} attempts" in reason and "refused the connection" in reason
    assert 'data-testid="send-again"' in page
    failed_tab = manager.get("/manage/outbox?status=failed").get_data(as_text=True)
    assert 'data-status="failed"' in failed_tab
    assert 'data-testid="no-mail"' in manager.get("/manage/outbox?status=sent").get_data(as_text=True)
    mail_id = int(re.search(r'data-mail="(\d+)"', page).group(1))

    smtp.start()
    refused = manager.post(f"/manage/outbox/{mail_id}/retry")  # no CSRF token: refused, nothing changes
    assert refused.status_code == 400
    answer = manager.post(f"/manage/outbox/{mail_id}/retry", data={"csrf_token": csrf_of(page), "status": "failed"})
    assert answer.status_code == 302
    shown = manager.get(answer.headers["Location"]).get_data(as_text=True)
    assert "The mail waits to be sent again." in shown
    assert send(app) == 1
    [message] = smtp.messages
    assert message["Subject"] == "Une récompense est à votre portée"
    sent = manager.get("/manage/outbox?status=sent").get_data(as_text=True)
    assert f'data-mail="{mail_id}" data-status="sent"' in sent
    again = manager.post(f"/manage/outbox/{mail_id}/retry", data={"csrf_token": csrf_of(page)})
    assert "Only a failed e-mail can be sent again." in manager.get(again.headers["Location"]).get_data(as_text=True)
    assert send(app) == 0 and len(smtp.messages) == 1


def test_the_outbox_api_for_managers(app, api, smtp, clock):
    a_failed_mail(app, api, clock)
    code, _ = api.call("GET", "/mail/outbox")  # a till token
    assert code == 403
    body = api.ok("GET", "/mail/outbox", as_="manager", query={"status": "failed"})
    assert body["mail_enabled"] is True and body["counts"]["failed"] == 1
    [mail] = body["items"]
    assert mail["kind"] == "reward_within_reach" and mail["to"] == "marie@example.com"
    assert "refused the connection" in mail["last_error"]
    code, error = api.call("GET", "/mail/outbox", as_="manager", query={"status": "lost"})
    assert code == 422 and "status" in error["error"]["details"]
    smtp.start()
    assert api.ok("POST", f"/mail/outbox/{mail['id']}/retry", as_="manager")["status"] == "waiting"
    code, error = api.call("POST", f"/mail/outbox/{mail['id']}/retry", as_="manager")
    assert code == 409 and error["error"]["code"] == "mail_not_failed"
    assert api.call("POST", "/mail/outbox/999999/retry", as_="manager")[0] == 404
    send(app)
    assert len(smtp.messages) == 1


def test_erasure_wipes_the_client_mails_and_the_export_lists_them(app, api, smtp, clock):
    marie = a_failed_mail(app, api, clock)
    export = api.ok("GET", f"/clients/{marie['id']}/export", as_="manager")
    [mail] = export["mails"]
    assert mail["to"] == "marie@example.com" and mail["kind"] == "reward_within_reach" and "Marie" in mail["text"]
    api.ok("DELETE", f"/clients/{marie['id']}", as_="manager")
    with app.app_context():
        [row] = db.session.scalars(select(OutboxMail)).all()
        stored = " ".join(str(value) for value in (row.to_address, row.subject, row.text_body, row.html_body,
                                                   row.last_error))
        assert "marie" not in stored.lower() and "dupont" not in stored.lower()
    body = api.ok("GET", "/mail/outbox", as_="manager")
    assert body["items"][0]["to"] == ""


def test_the_outbox_page_says_when_no_mail_server_is_set(app, manager):
    app.config["SMTP_URL"] = None
    page = manager.get("/manage/outbox").get_data(as_text=True)
    assert 'data-testid="mail-disabled"' in page and 'data-testid="no-mail"' in page
