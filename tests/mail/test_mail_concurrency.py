"""Two workers (the threads of two server processes, each with its own database session) sending one outbox
at the same time: every mail arrives exactly once."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from mail.smtp_server import SmtpServer
from salon_setup import add_reward, new_client

from pos_loyalty.extensions import db
from pos_loyalty.models import Client, RewardGrant
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.mail_notices import reward_unlocked
from pos_loyalty.services.mail_worker import send_due_mails
from pos_loyalty.services.transaction import transaction

MAILS = 24


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_URL": smtp.url, "MAIL_WORKER": "manual", "PUBLIC_URL": "https://salon.example"}


def test_two_workers_at_once_send_every_mail_once(app, api, smtp):
    reward = add_reward(api, "10 € off", 10000)
    ids = [new_client(api, "Client", f"N{i}", email=f"c{i}@example.com", email_opt_in=True)["id"]
           for i in range(MAILS)]
    with app.app_context(), transaction():
        clock = salon_time(1)
        for number, client_id in enumerate(ids):
            grant = RewardGrant(client_id=client_id, reward_id=reward["id"], name="10 € off", kind="amount_off",
                                value="10.00", reason="", granted_by="", granted_at=clock.now, source="milestone",
                                code="".join(chr(65 + (number // 26 ** k) % 26) for k in range(6)))
            db.session.add(grant)
            db.session.flush()
            reward_unlocked(db.session.get(Client, client_id), grant, clock)
    start, tried, errors = threading.Barrier(2), [], []

    def worker():
        try:
            with app.app_context():
                start.wait()
                count = 0
                while (done := send_due_mails(limit=5)):
                    count += done
                tried.append(count)
                db.session.remove()
        except Exception as failure:  # shown by the assertion below
            errors.append(failure)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(tried) == MAILS  # each mail claimed by one worker only
    received = Counter(message["To"] for message in smtp.wait_for(MAILS))
    assert len(received) == MAILS and set(received.values()) == {1}
