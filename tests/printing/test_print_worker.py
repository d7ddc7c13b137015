"""The background print worker as production runs it (PRINT_WORKER="thread"): a receipt queued through the
API reaches the loopback printer and its job becomes "printed" with no test calling send_due_jobs()."""
import time

import pytest

from salon_setup import add_item, new_client

from .escpos_reader import decode
from .printer_server import PrinterServer


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PRINT_WORKER": "thread"}


@pytest.fixture
def worker_stopped_after(app):
    yield
    from pos_loyalty.services.printing import stop_worker

    stop_worker(app)


def wait_until(condition, deadline_seconds=15.0):
    """Poll `condition` until it holds or the deadline passes; returns its last value."""
    deadline = time.monotonic() + deadline_seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


def test_the_worker_thread_prints_a_queued_receipt(app, api, worker_stopped_after):
    with PrinterServer("normal") as printer:
        app.config["PRINTER_PORTS"] = str(printer.port)
        api.ok("PATCH", "/tills/till-1", {"printer_url": printer.url}, as_="manager")
        add_item(api, "BAL", "Balayage", "120.00", category="colour")
        helene = new_client(api, "Hélène", "Dupré")
        sale = api.ok("POST", "/sales", {"client_id": helene["id"], "lines": [{"code": "BAL", "quantity": 1}]})
        api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": "card"})  # queues it

        def printed():
            jobs = api.ok("GET", f"/sales/{sale['id']}/print-jobs")
            return printer.received and [job["status"] for job in jobs] == ["printed"]

        assert wait_until(printed), api.ok("GET", f"/sales/{sale['id']}/print-jobs")
        assert "Balayage" in decode(printer.received[0]).text
        assert api.ok("GET", f"/sales/{sale['id']}/print-jobs")[0]["attempts"] == 1
