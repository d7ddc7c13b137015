"""Background jobs from /manage/history: a recalculation or a reset runs in a thread of the server while the
page polls its fragment; one of a kind at a time per salon; a job whose process is gone shows as failed.
The upload of past sales runs the command's checks. Tests wait on the job's end (its thread, then the
fragment's state), never on time."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import BackgroundJob, Sale
from pos_loyalty.services import jobs
from salon_setup import add_item, add_rule, balance, give_points, new_client, set_program
from panel.logins import csrf_of, log_in

HEADER = "date,sale,client,first_name,last_name,code,name,kind,category,quantity,unit_price\n"


@pytest.fixture
def studio(app, api):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
        add_staff("Isabelle", "manager", "9876")
    set_program(api, points_per_unit="1", validity_months=None)
    add_item(api, "PORTRAIT", "Portrait", "75.00", category="photo")
    add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    client = new_client(api, "Camille", "Roux", email="camille@studio.example")
    give_points(api, client["id"], 35)
    return client


@pytest.fixture
def manager(client, studio):
    log_in(client, "Isabelle", "9876")
    page = client.get("/manage/").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_of(page), "lang": "en"})
    return client


def post(client, path: str, data: dict, **kwargs):
    page = client.get("/manage/history").get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_of(page), **data}, **kwargs)


def upload(client, text: str, skip_bad: bool = False):
    data = {"file": (io.BytesIO(text.encode()), "history.csv"), "skip_bad": "true" if skip_bad else "false"}
    return post(client, "/manage/history/import", data, content_type="multipart/form-data")


def finished_fragment(client, job_id: int) -> str:
    """The job's fragment once its thread ended (joined: a condition, not a delay)."""
    assert jobs.wait(job_id, timeout=120)
    fragment = client.get(f"/manage/history/jobs/{job_id}").get_data(as_text=True)
    assert 'data-status="done"' in fragment, fragment
    assert "hx-trigger" not in fragment  # the polling stops
    return fragment


def figure(fragment: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', fragment).group(1)


def sessions_csv(count: int, price: str = "300.00") -> str:
    return HEADER + "".join(f"2026-{month:02d}-10,S-{month},camille@studio.example,,,PORTRAIT,,,,1,{price}\n"
                            for month in range(1, count + 1))


def test_upload_recalculate_in_the_background_then_reset(app, api, manager, studio):
    page = manager.get("/manage/history")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>History & recalculation</h1>" in text
    assert 'enctype="multipart/form-data"' in text
    assert text.count('name="csrf_token"') >= 3  # import, recalculate, reset (and the header's own forms)

    imported = upload(manager, sessions_csv(8))
    assert imported.status_code == 200, imported.get_data(as_text=True)[:2000]
    assert "Sales imported: 8" in imported.get_data(as_text=True)
    assert balance(api, studio["id"]) == 35

    started = post(manager, "/manage/history/recalculate", {"period": "12m"})
    assert started.status_code == 303
    job_id = int(re.search(r"job=(\d+)", started.headers["Location"]).group(1))
    shown = manager.get(started.headers["Location"]).get_data(as_text=True)
    assert f'id="job-{job_id}"' in shown and "<progress" in shown
    fragment = finished_fragment(manager, job_id)
    assert (figure(fragment, "sales"), figure(fragment, "points_added"), figure(fragment, "points_removed"),
            figure(fragment, "clients")) == ("8", "2,800", "0", "1")
    assert balance(api, studio["id"]) == 2_800 + 35
    assert manager.get(f"/manage/clients/{studio['id']}").status_code == 200  # imported sales in the history
    card = api.ok("GET", f"/clients/{studio['id']}")["card_url"]
    assert manager.get(urlsplit(card).path).status_code == 200  # the client's own card lists the visits
    with app.app_context():
        job = db.session.get(BackgroundJob, job_id)
        assert (job.kind, job.status, job.done, job.total, job.created_by) == ("recalculate", "done", 8, 8, "Isabelle")

    wrong = post(manager, "/manage/history/reset", {"confirm": "yes"})
    assert wrong.status_code == 422 and "Type RESET to confirm." in wrong.get_data(as_text=True)
    reset = post(manager, "/manage/history/reset", {"confirm": "reset"})
    assert reset.status_code == 303
    reset_id = int(re.search(r"job=(\d+)", reset.headers["Location"]).group(1))
    fragment = finished_fragment(manager, reset_id)
    assert figure(fragment, "points_removed") == "2,800" and figure(fragment, "points_added") == "0"
    assert balance(api, studio["id"]) == 35  # the adjustment stays
    history = manager.get("/manage/history").get_data(as_text=True)
    assert "+2,800 / −0 points" in history and "+0 / −2,800 points" in history
    audit = api.ok("GET", "/audit", as_="manager")["items"]
    assert [entry["action"] for entry in audit][:3] == ["points.reset", "points.recalculate", "sale.import"]


def test_bad_rows_are_listed_by_line_and_nothing_is_imported_unless_skipped(app, manager):
    text = sessions_csv(2) + "2026-03-10,S-3,camille@studio.example,,,PORTRAIT,,,,two,300.00\n" \
                             "2026-03-11,S-4,camille@studio.example,,,PORTRAIT,,service,cut,1,300.00\n"
    refused = upload(manager, text)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'data-line="4"' in body and 'data-line="5"' in body and "quantity: &#39;two&#39;" in body
    assert "Nothing imported: history.csv has bad rows (2)" in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Sale.id))) == 0
    skipped = upload(manager, text, skip_bad=True)
    assert skipped.status_code == 200 and "Sales imported: 2" in skipped.get_data(as_text=True)
    again = upload(manager, text, skip_bad=True)
    assert "imported before, left as they were: 2" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Sale.id))) == 2
    assert upload(manager, "").status_code == 422
    no_file = post(manager, "/manage/history/import", {"skip_bad": "false"})
    assert no_file.status_code == 422 and "Choose a CSV file" in no_file.get_data(as_text=True)


def test_one_job_of_a_kind_at_a_time_and_an_interrupted_one_shows_as_failed(app, manager):
    with app.app_context():
        from pos_loyalty.runtime import runtime

        def job(pid: int) -> int:
            row = BackgroundJob(salon_id=1, kind="recalculate", status="running", created_by="Paul",
                                parameters={"period": "3m", "host": jobs.HOST, "pid": pid, "beat": 0},
                                created_at=runtime().now(), total=10, done=4)
            db.session.add(row)
            db.session.commit()
            return row.id

        # Another live process of this host runs one (here: the test runner's parent).
        running = job(os.getppid())
    page = manager.get(f"/manage/history?job={running}").get_data(as_text=True)
    assert 'data-status="running"' in page and "4 of 10 sales" in page and 'hx-trigger="every 500ms"' in page
    refused = post(manager, "/manage/history/recalculate", {"period": "6m"})
    assert refused.status_code == 409
    assert "A recalculation is running already: wait for it to finish" in refused.get_data(as_text=True)

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    with app.app_context():
        db.session.get(BackgroundJob, running).parameters = {"period": "3m", "host": jobs.HOST,
                                                             "pid": int(dead.stdout), "beat": 0}
        db.session.commit()
    fragment = manager.get(f"/manage/history/jobs/{running}").get_data(as_text=True)
    assert 'data-status="failed"' in fragment and "the server stopped while the job ran" in fragment
    started = post(manager, "/manage/history/recalculate", {"period": "6m"})
    assert started.status_code == 303  # the lost one no longer blocks
    finished_fragment(manager, int(re.search(r"job=(\d+)", started.headers["Location"]).group(1)))


def test_forms_need_their_csrf_token_a_period_and_a_manager(app, client, manager):
    assert manager.post("/manage/history/recalculate", data={"period": "12m"}).status_code == 400
    bad = post(manager, "/manage/history/recalculate", {"period": "2y"})
    assert bad.status_code == 422 and "One of: 3m, 6m, 12m, all." in bad.get_data(as_text=True)
    assert manager.get("/manage/history/jobs/999").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(BackgroundJob.id))) == 0
    cashier = app.test_client()
    log_in(cashier, "Camille", "1234")
    assert cashier.get("/manage/history").status_code == 403


def test_the_upload_alone_takes_files_beyond_the_panel_s_1_mib(app, manager):
    row = "2026-03-10,S-{n},camille@studio.example,,,PORTRAIT,,,,0,300.00\n"  # every row bad: checked, not imported
    big = HEADER + "".join(row.format(n=n) for n in range(24_000))
    assert len(big.encode()) > 1.4 * 1024 * 1024
    refused = upload(manager, big)
    assert refused.status_code == 422  # read and checked, not 413
    body = refused.get_data(as_text=True)
    assert "has bad rows (24,000)" in body and "Bad rows not listed here: 23,500" in body
    other = post(manager, "/manage/history/recalculate", {"period": "12m", "padding": "x" * (1536 * 1024)})
    assert other.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count(BackgroundJob.id))) == 0
