"""Panel sessions end server-side: a copy of the cookie taken before logout, a PIN change or a deactivation
opens nothing afterwards; the idle lock ends the session row too."""
import pytest

from .logins import log_in, post_form, replay, session_cookie

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def staff(app):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        return {"cashier": add_staff("Camille", "cashier", "1234").id,
                "manager": add_staff("Isabelle", "manager", "9876").id}


def open_till(app, name="Camille", pin="1234"):
    client = app.test_client()
    log_in(client, name, pin)
    assert client.get("/").status_code == 200
    return client, session_cookie(client)


def refused(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, staff):
    client, copied = open_till(app)
    assert replay(app, copied).status_code == 200  # the copy works while the session is open
    assert refused(post_form(client, "/logout"))
    assert refused(replay(app, copied))
    assert refused(replay(app, copied, "/display/state"))
    assert refused(client.get("/"))


def test_a_pin_change_ends_every_session_of_that_staff_member_only(app, staff):
    first, first_cookie = open_till(app)
    second, second_cookie = open_till(app)
    other, other_cookie = open_till(app, "Isabelle", "9876")
    with app.app_context():
        from pos_loyalty.services.staff import change_pin, command_line

        change_pin(command_line(), staff["cashier"], "4321")
    assert refused(replay(app, first_cookie)) and refused(replay(app, second_cookie))
    assert replay(app, other_cookie).status_code == 200
    log_in(app.test_client(), "Camille", "4321")  # the new PIN opens a new session


def test_a_deactivated_staff_member_is_out_at_once(app, staff):
    client, copied = open_till(app)
    with app.app_context():
        from pos_loyalty.services.staff import command_line, deactivate_staff

        deactivate_staff(command_line(), staff["cashier"])
    assert refused(client.get("/")) and refused(replay(app, copied))
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "Camille" not in page and "Isabelle" in page


def test_the_idle_lock_ends_the_session_row(app, staff, clock):
    client, copied = open_till(app)
    clock.advance(minutes=app.config["PANEL_IDLE_MINUTES"] + 1)
    assert refused(client.get("/"))
    clock.advance(minutes=-(app.config["PANEL_IDLE_MINUTES"] + 1))  # back in time, the copy still opens nothing
    assert refused(replay(app, copied))


def test_the_cookie_holds_the_session_key_not_the_staff_id(app, staff):
    client, _ = open_till(app)
    with client.session_transaction() as session:
        key = session["_user_id"]
    assert key != str(staff["cashier"]) and len(key) >= 40
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import PanelSession

        stored = db.session.scalars(select(PanelSession.key_hash)).all()
    assert key not in stored and len(stored) == 1  # only its digest is kept


def test_the_staff_commands_end_sessions_too(app, staff):
    runner = app.test_cli_runner()
    _, copied = open_till(app)
    result = runner.invoke(args=["staff", "pin", "Camille", "--pin", "4321"])
    assert result.exit_code == 0, result.output
    assert refused(replay(app, copied))
    _, copied = open_till(app, "Camille", "4321")
    result = runner.invoke(args=["staff", "deactivate", str(staff["cashier"])])
    assert result.exit_code == 0, result.output
    assert refused(replay(app, copied))
    unknown = runner.invoke(args=["staff", "deactivate", "Nobody"])
    assert unknown.exit_code != 0 and "no staff member 'Nobody'" in unknown.output
    bad = runner.invoke(args=["staff", "pin", "Isabelle", "--pin", "12"])
    assert bad.exit_code != 0 and "4 to 8 digits" in bad.output
