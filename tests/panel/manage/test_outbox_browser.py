"""/manage/outbox in Chromium, in French: a failed mail with its reason at a desk and on a phone, "Renvoyer"
sends it once the mail server is back; the client's unsubscribe page on a phone."""
import re

import pytest

from mail.smtp_server import SmtpServer
from salon_setup import add_item, add_reward, give_points, new_client, sell, set_program
from tests.panel.steps import fits_the_screen, log_in

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def smtp():
    server = SmtpServer()  # down until the test starts it
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_URL": smtp.url, "MAIL_WORKER": "manual", "PUBLIC_URL": "https://salon.example"}


@pytest.fixture
def failed_mail(app, api, clock):
    from pos_loyalty.services.mail_worker import MAX_ATTEMPTS, send_due_mails

    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Isabelle", "manager", "9876")
    set_program(api, points_per_unit="1")
    add_item(api, "CUT", "Coupe", "30.00")
    add_reward(api, "Brushing offert", 100)
    marie = new_client(api, "Marie", "Dupont", email="marie.dupont@example.com", email_opt_in=True)
    give_points(api, marie["id"], 80)
    sell(api, marie["id"], ("CUT", 1, "30.00"))
    start = clock()
    with app.app_context():
        for _ in range(MAX_ATTEMPTS):
            send_due_mails()
            clock.advance(hours=5)
    clock.set(start)
    return marie


def test_a_failed_mail_read_and_sent_again_at_a_desk_and_on_a_phone(live_server, context, app, failed_mail, smtp,
                                                                    shoot):
    from playwright.sync_api import expect

    from pos_loyalty.services.mail_worker import send_due_mails

    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.goto(live_server + "/manage/outbox")
    expect(page.get_by_role("heading", name="E-mails")).to_be_visible()
    row = page.locator("tr[data-status=failed]")
    expect(row).to_contain_text("marie.dupont@example.com")
    expect(row).to_contain_text("Récompense à portée")
    expect(row.get_by_test_id("reason")).to_contain_text("refused the connection")
    assert fits_the_screen(page)
    shoot(page, "manage-outbox-1024")
    page.set_viewport_size(PHONE)
    expect(row.get_by_test_id("send-again")).to_be_visible()
    assert fits_the_screen(page)
    shoot(page, "manage-outbox-390")

    smtp.start()
    row.get_by_test_id("send-again").click()
    expect(page.locator(".message").first).to_contain_text("renvoy")
    with app.app_context():
        assert send_due_mails() == 1
    page.goto(live_server + "/manage/outbox?status=sent")
    expect(page.locator("tr[data-status=sent]")).to_contain_text("marie.dupont@example.com")
    assert len(smtp.messages) == 1

    link = re.fullmatch(r"<([^>]+)>", smtp.messages[0]["List-Unsubscribe"]).group(1)
    client_page = context.new_page()
    client_page.set_viewport_size(PHONE)
    client_page.goto(live_server + link.removeprefix("https://salon.example"))
    client_page.get_by_test_id("unsubscribe-button").click()
    expect(client_page.get_by_test_id("unsubscribed")).to_be_visible()
    assert fits_the_screen(client_page)
    shoot(client_page, "unsubscribe-390")
