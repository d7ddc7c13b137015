"""Issue 13's acceptance, by e-mail: the photo studio's scenario 1 in milestone mode through the real server
(waitress) and its mail worker thread, as production runs them; the mail read as it arrives at the SMTP server."""
from __future__ import annotations

import re

import pytest

from conftest import LiveApi, make_tokens
from mail.smtp_server import SmtpServer, parts
from salon_setup import add_item, add_reward, add_rule, new_client, sell, set_program


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_URL": smtp.url, "MAIL_WORKER": "thread", "PUBLIC_URL": "https://studio.example"}


@pytest.fixture
def live_mail_api(app, live_server):
    from pos_loyalty.services.mail_worker import stop_mail_worker

    yield LiveApi(live_server, *make_tokens(app))
    stop_mail_worker(app)


def test_photo_studio_scenario_1_in_milestone_mode_marie_receives_her_code(live_mail_api, smtp, app):
    api = live_mail_api
    set_program(api, reward_mode="milestone")
    add_item(api, "PORTRAIT", "Portrait", "75.00", category="photo")
    add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    add_reward(api, "10 € off", 100)
    add_reward(api, "25 € voucher", 250, value="25.00")
    marie = new_client(api, "Marie", "Dupont", email="marie@example.com", email_opt_in=True)

    paid = sell(api, marie["id"], ("PORTRAIT", 1, "75.00"))

    assert (paid["status"], paid["points_earned"], paid["balance"]) == ("paid", 125, 125)
    [message] = smtp.wait_for(1)  # sent by the server's own worker thread, woken by the payment's commit
    assert message["Subject"] == "Vous avez gagné une récompense"
    assert message["To"] == "marie@example.com"
    text, html = parts(message)
    [code] = [row["code"] for row in api.ok("GET", f"/clients/{marie['id']}/rewards") if row.get("code")]
    assert re.fullmatch(r"[A-Z]{6}", code)
    assert f"Votre code : {code}" in text and "10 € off" in text
    assert re.search(rf">\s*{code}\s*<", html)
    assert message["List-Unsubscribe"].startswith("<https://studio.example/mail/unsubscribe/")
    assert api.ok("GET", f"/clients/{marie['id']}/loyalty")["balance"] == 125  # points never spent
    sell(api, marie["id"], ("PORTRAIT", 1, "75.00"))  # 250: the voucher's code, a second mail
    messages = smtp.wait_for(2)
    assert [m["Subject"] for m in messages] == ["Vous avez gagné une récompense"] * 2
    assert "25 € voucher" in parts(messages[1])[0]
