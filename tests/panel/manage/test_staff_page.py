"""/manage/staff: the salon's staff listed, added, given a role or a new PIN, deactivated and reactivated,
through the page; each change checked where it matters (the login page, an open session, the audit trail)."""
import re

import pytest

from tests.panel.logins import csrf_of, log_in, post_login, replay, session_cookie, staff_ids
from tests.panel.manage.conftest import save

pytestmark = pytest.mark.sqlite_only


def staff_id(app, name: str) -> int:
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Staff

        return db.session.scalars(select(Staff.id).where(Staff.name == name)).one()


def staff_rows(app) -> list[tuple]:
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import Staff

        return [(s.name, s.role, s.active, s.pin_hash) for s in db.session.scalars(select(Staff).order_by(Staff.id))]


def act(client, staff: int, action: str, **fields):
    """Post one of a staff member's forms with the CSRF token of their page."""
    page = client.get(f"/manage/staff/{staff}").get_data(as_text=True)
    return client.post(f"/manage/staff/{staff}/{action}", data={"csrf_token": csrf_of(page), **fields})


def can_log_in(app, name: str, pin: str) -> bool:
    browser = app.test_client()
    ids = staff_ids(browser.get("/login").get_data(as_text=True))
    return name in ids and post_login(browser, ids[name], pin).status_code == 302


def field_error(page: str, field: str) -> str | None:
    found = re.search(rf'name="{field}"[^>]*aria-invalid="true"[^>]*>.*?<span class="field-error" id="{field}-error">([^<]+)',
                      page, re.S)
    return found.group(1) if found else None


def last_audit(api, action: str) -> dict:
    entries = api.ok("GET", "/audit", as_="manager", query={"action": action})["items"]
    assert entries, action
    return entries[0]


def test_the_list_shows_name_role_active_and_locked(app, manager):
    for _ in range(5):  # five wrong PINs lock Camille's login
        post_login(app.test_client(), staff_id(app, "Camille"), "0000")
    page = manager.get("/manage/staff").get_data(as_text=True)
    row = re.search(r'<tr data-staff="\d+">\s*<td class="name">Camille</td>(.*?)</tr>', page, re.S).group(1)
    assert "cashier" in row and "active" in row and "locked until" in row
    row = re.search(r'<td class="name">Isabelle.*?</tr>', page, re.S).group(0)
    assert "manager" in row and "locked until" not in row and ">you<" in row


def test_a_new_staff_member_logs_in_with_the_pin_given(app, manager, api):
    response = save(manager, "/manage/staff", name="  Léa Martin ", role="cashier", pin="4567")
    assert response.status_code == 302
    page = manager.get("/manage/staff").get_data(as_text=True)
    assert "Léa Martin added as cashier" in page and '<td class="name">Léa Martin</td>' in page
    assert can_log_in(app, "Léa Martin", "4567") and not can_log_in(app, "Léa Martin", "4568")
    entry = last_audit(api, "staff.add")
    assert entry["staff"] == "Isabelle" and entry["channel"] == "panel"
    assert entry["after"] == {"name": "Léa Martin", "role": "cashier"}  # never the PIN


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Required."),
    ("name", "   ", "Required."),  # spaces only: nothing typed
    ("name", "x" * 81, "From 1 to 80 characters."),
    ("role", "owner", "Choose cashier or manager."),
    ("pin", "123", "A PIN is 4 to 8 digits."),
    ("pin", "123456789", "A PIN is 4 to 8 digits."),
    ("pin", "12a4", "A PIN is 4 to 8 digits."),
    ("pin", "١٢٣٤", "A PIN is 4 to 8 digits."),  # digits of another script: not on a till's keypad
])
def test_a_bad_new_staff_member_is_refused_by_its_field_and_nothing_is_saved(app, manager, field, value, message):
    before = staff_rows(app)
    response = save(manager, "/manage/staff", **{"name": "Léa", "role": "cashier", "pin": "4567", field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message, page
    assert "Nothing was saved" in page
    assert 'value="123' not in page and "١٢٣٤" not in page  # a refused PIN is not written back into the page
    assert staff_rows(app) == before


def test_a_pin_reset_opens_with_the_new_pin_only_and_ends_the_old_sessions(app, manager, api):
    camille = staff_id(app, "Camille")
    till = app.test_client()
    log_in(till, "Camille", "1234")
    copied = session_cookie(till)
    for _ in range(5):
        post_login(app.test_client(), camille, "0000")  # locked, too
    assert act(manager, camille, "pin", pin="24680").status_code == 302
    assert "New PIN for Camille" in manager.get("/manage/staff").get_data(as_text=True)
    assert till.get("/").status_code == 302 and replay(app, copied).status_code == 302  # her session ended
    assert not can_log_in(app, "Camille", "1234")
    assert can_log_in(app, "Camille", "24680")  # and the lock is gone
    assert last_audit(api, "staff.pin")["after"] == {"name": "Camille"}


def test_a_bad_pin_reset_is_refused_by_the_field_and_the_old_pin_still_works(app, manager):
    camille = staff_id(app, "Camille")
    response = act(manager, camille, "pin", pin="12")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "pin") == "A PIN is 4 to 8 digits."
    assert can_log_in(app, "Camille", "1234")


def test_a_cashier_made_manager_opens_the_back_office(app, manager, api):
    camille = staff_id(app, "Camille")
    till = app.test_client()
    log_in(till, "Camille", "1234")
    assert till.get("/manage/").status_code == 403
    assert act(manager, camille, "role", role="manager").status_code == 302
    assert "Camille is now a manager (was cashier)" in manager.get("/manage/staff").get_data(as_text=True)
    assert till.get("/manage/").status_code == 200  # her open session follows at once
    entry = last_audit(api, "staff.role")
    assert (entry["before"]["role"], entry["after"]["role"]) == ("cashier", "manager")
    assert act(manager, camille, "role", role="cashier").status_code == 302
    assert till.get("/manage/").status_code == 403


def test_a_bad_role_is_refused_by_its_field(app, manager):
    before = staff_rows(app)
    response = act(manager, staff_id(app, "Camille"), "role", role="owner")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "role") == "Choose cashier or manager."
    assert staff_rows(app) == before


def test_a_deactivated_staff_member_is_out_at_once_and_can_be_reactivated(app, manager, api):
    camille = staff_id(app, "Camille")
    till = app.test_client()
    log_in(till, "Camille", "1234")
    copied = session_cookie(till)
    assert act(manager, camille, "deactivate").status_code == 302
    page = manager.get("/manage/staff").get_data(as_text=True)
    assert "Camille is deactivated" in page and "deactivated</span>" in page
    assert till.get("/").status_code == 302  # her session ended
    assert "Camille" not in staff_ids(app.test_client().get("/login").get_data(as_text=True))
    assert last_audit(api, "staff.deactivate")["after"] == {"name": "Camille", "active": False}
    assert act(manager, camille, "reactivate").status_code == 302
    assert replay(app, copied).status_code == 302  # the session ended for good: reactivation opens a new one only
    assert can_log_in(app, "Camille", "1234")
    assert last_audit(api, "staff.activate")["after"] == {"name": "Camille", "active": True}


def test_a_manager_cannot_deactivate_or_demote_themself(app, manager):
    isabelle = staff_id(app, "Isabelle")
    page = manager.get(f"/manage/staff/{isabelle}").get_data(as_text=True)
    assert "/deactivate" not in page and 'name="role"' not in page  # not offered
    before = staff_rows(app)
    refused = act(manager, isabelle, "deactivate")  # and refused when posted anyway
    assert refused.status_code == 422
    assert "You cannot deactivate yourself: another manager can." in refused.get_data(as_text=True)
    refused = act(manager, isabelle, "role", role="cashier")
    assert refused.status_code == 422
    assert "You cannot change your own role: another manager can." in refused.get_data(as_text=True)
    assert staff_rows(app) == before
    assert manager.get("/manage/staff").status_code == 200  # still signed in, still a manager


def test_the_last_active_manager_stays_one(app, staff):
    from pos_loyalty.core.errors import Conflict
    from pos_loyalty.services.staff import change_role, command_line, deactivate_staff

    isabelle = staff_id(app, "Isabelle")
    with app.app_context():
        for change in (lambda: change_role(command_line(), isabelle, "cashier"),
                       lambda: deactivate_staff(command_line(), isabelle)):
            with pytest.raises(Conflict) as refused:
                change()
            assert refused.value.code == "last_manager"
    assert staff_rows(app)[1][1:3] == ("manager", True)


def test_the_command_line_still_resets_and_deactivates(app, staff):
    from pos_loyalty.cli import main

    runner = app.test_cli_runner()
    done = runner.invoke(main, ["staff", "pin", "Camille", "--pin", "97531"])
    assert done.exit_code == 0, done.output
    assert can_log_in(app, "Camille", "97531")
    done = runner.invoke(main, ["staff", "deactivate", "Camille"])
    assert done.exit_code == 0, done.output
    assert not can_log_in(app, "Camille", "97531")
    refused = runner.invoke(main, ["staff", "deactivate", "Isabelle"])
    assert refused.exit_code != 0 and "last active manager" in refused.output
    before = staff_rows(app)
    for name in ("   ", "x" * 81):  # the command line keeps the page's rules
        refused = runner.invoke(main, ["staff", "add", "--name", name, "--role", "cashier", "--pin", "1234"])
        assert refused.exit_code != 0 and "name" in refused.output
    assert staff_rows(app) == before


def test_another_salons_staff_member_is_not_found(app, manager):
    from pos_loyalty.services.setup import add_salon
    from pos_loyalty.services.staff import add_staff

    with app.app_context():
        add_salon("lyon", "Lyon")
        add_staff("Zoé", "cashier", "1111", "lyon")
    zoe = staff_id(app, "Zoé")
    assert manager.get(f"/manage/staff/{zoe}").status_code == 404
    assert "Zoé" not in manager.get("/manage/staff").get_data(as_text=True)
    csrf = csrf_of(manager.get("/manage/staff").get_data(as_text=True))
    for action, fields in (("pin", {"pin": "2222"}), ("pin", {"pin": "2"}), ("role", {"role": "manager"}),
                           ("role", {}), ("deactivate", {}), ("reactivate", {})):
        # Not found whatever was posted: the salon's check comes before the form's.
        assert manager.post(f"/manage/staff/{zoe}/{action}", data={"csrf_token": csrf, **fields}).status_code == 404
    assert manager.post(f"/manage/staff/{2**40}/pin", data={"csrf_token": csrf, "pin": "2222"}).status_code == 404
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Staff
        from pos_loyalty.services.staff import pin_matches

        zoe_row = db.session.get(Staff, zoe)
        assert zoe_row.active and zoe_row.role == "cashier" and pin_matches(zoe_row, "1111")


def test_a_cashier_gets_the_403_page(app, client, staff):
    log_in(client, "Camille", "1234")
    csrf = csrf_of(client.get("/").get_data(as_text=True))
    isabelle = staff_id(app, "Isabelle")
    assert client.get("/manage/staff").status_code == 403
    assert client.get(f"/manage/staff/{isabelle}").status_code == 403
    before = staff_rows(app)
    assert client.post("/manage/staff", data={"csrf_token": csrf, "name": "X", "role": "manager",
                                              "pin": "1234"}).status_code == 403
    for action, fields in (("pin", {"pin": "2222"}), ("role", {"role": "cashier"}), ("deactivate", {})):
        assert client.post(f"/manage/staff/{isabelle}/{action}", data={"csrf_token": csrf, **fields}).status_code == 403
    assert staff_rows(app) == before
