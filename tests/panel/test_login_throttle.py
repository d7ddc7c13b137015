"""Wrong PINs are throttled per client address (Flask-Limiter), on top of the per-staff lock: trying PINs
over many names from one till ends in the panel's own 429 page; another till is not affected."""
import pytest

from .logins import log_in, post_login, staff_ids

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def many_staff(app):
    app.config["LOGIN_RATE"] = "3 per minute"  # read at each request: the setting applies at once
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        return [add_staff(f"Cashier {n}", "cashier", "1234").id for n in range(5)]


def test_wrong_pins_over_many_names_from_one_address_meet_a_429_page(app, many_staff):
    client = app.test_client()
    for staff_id in many_staff[:3]:  # one wrong PIN each: far from any per-staff lock
        assert post_login(client, staff_id, "0000", address="10.1.1.5").status_code == 401
    throttled = post_login(client, many_staff[3], "1234", address="10.1.1.5")  # even the right PIN now
    assert throttled.status_code == 429
    page = throttled.get_data(as_text=True)
    assert 'data-testid="error-page"' in page and "Traceback" not in page
    assert "Trop de codes erronés" in page and 'href="/login"' in page  # the salon's French, a way back
    assert throttled.headers.get("Retry-After")
    assert post_login(client, many_staff[3], "1234", address="10.1.1.6").status_code == 302  # another till


def test_logins_that_succeed_never_count(app, many_staff):
    client = app.test_client()
    for _ in range(6):
        log_in(client, "Cashier 0", "1234")
    ids = staff_ids(client.get("/login").get_data(as_text=True))
    assert post_login(client, ids["Cashier 1"], "0000").status_code == 401


def test_the_default_rate_is_ten_wrong_pins_a_minute(app_config):
    from pos_loyalty import create_app

    assert create_app(app_config).config["LOGIN_RATE"] == "10 per minute"
