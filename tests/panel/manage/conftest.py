"""A signed-in manager and cashier on the test client, for the back-office pages."""
import pytest

from tests.panel.logins import csrf_of, log_in


@pytest.fixture
def staff(app):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
        add_staff("Isabelle", "manager", "9876")


@pytest.fixture
def manager(client, staff):
    """The test client signed in as the manager Isabelle (at the first till), the panel in English (the
    words are translated afterwards: tests read the English ones; numbers, money and dates as English writes
    them with the salon's territory: €30.00, 1.5, 2 Dec 2026, 18:00)."""
    log_in(client, "Isabelle", "9876")
    page = client.get("/manage/").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_of(page), "lang": "en"})
    return client


def save(client, path: str, **fields):
    """Post a back-office form with the CSRF token of its own page, as the browser would."""
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_of(page), **fields})
