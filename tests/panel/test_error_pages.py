"""Refusals on panel pages are the panel's own pages, in the chosen language, with a way back; the API
keeps its JSON error body; a 500 shows no traceback."""
import pytest

from .logins import csrf_of, log_in

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def staff(app):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
        add_staff("Isabelle", "manager", "9876")


def error_page(response, status: int) -> str:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f'data-status="{status}"' in page, page[:400]
    return page


def test_unknown_page_in_the_salons_french_then_in_italian(client, staff):
    page = error_page(client.get("/no-such-page"), 404)
    assert "Page introuvable" in page and 'href="/login"' in page and "Retour à la connexion" in page
    page = error_page(client.get("/no-such-page?lang=it"), 404)
    assert "Pagina non trovata" in page and "Torna all'accesso" in page


def test_a_cashier_on_a_manager_page_gets_a_403_page_back_to_the_till(client, staff):
    log_in(client, "Camille", "1234")
    page = error_page(client.get("/manage/"), 403)
    assert "Réservé aux responsables" in page and 'href="/"' in page and "Retour à la caisse" in page
    page = error_page(client.get("/devices/"), 403)


def test_a_form_without_its_csrf_token_gets_a_400_page(client, staff):
    log_in(client, "Camille", "1234")
    page = error_page(client.post("/panel/new", data={}), 400)
    assert "Cela n&#39;a pas marché" in page


def test_a_wrong_method_gets_a_405_page_with_allow(client, staff):
    response = client.get("/logout")
    error_page(response, 405)
    assert "POST" in response.headers["Allow"]


def test_a_crash_on_a_panel_page_is_a_500_page_without_traceback(app_config):
    from pos_loyalty import create_app

    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    def broken():
        raise RuntimeError("secret internals: /srv/pos_loyalty/db password=hunter2")

    app.add_url_rule("/panel/broken", "broken", broken)
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon

        ensure_salon()
    page = error_page(app.test_client().get("/panel/broken"), 500)
    assert "Une erreur est survenue" in page and "hunter2" not in page and "Traceback" not in page
    assert 'href="/login"' in page


def test_api_paths_keep_the_json_error_body(client, staff):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert set(response.get_json()["error"]) == {"code", "message", "details"}
    response = client.get("/api/v1/program")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_another_salons_object_on_a_panel_page_is_the_404_page(client, staff):
    log_in(client, "Camille", "1234")
    page = error_page(client.get("/panel/sales/987654/done"), 404)
    assert "Page introuvable" in page and "987654" not in page


def test_the_csrf_token_of_the_error_page_still_works(client, staff):
    """The language buttons on an error page post like everywhere else."""
    page = error_page(client.get("/no-such-page"), 404)
    assert client.post("/language", data={"csrf_token": csrf_of(page), "lang": "en"}).status_code == 302
    assert "Page not found" in client.get("/no-such-page").get_data(as_text=True)
