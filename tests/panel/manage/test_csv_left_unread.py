"""A clients' CSV that its reader drops half-way (a closed tab, a client that reads only the head) leaves
nothing behind: the next page of the same browser answers normally, and the file read later is whole."""
import pytest

from salon_setup import new_client

pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("path", ["/manage/loyalty/clients.csv"])
def test_an_unread_csv_answer_does_not_break_the_next_page(manager, api, path):
    for number in range(3):
        new_client(api, "Zoë", f"Ægir{number}")
    dropped = manager.get(path)  # streamed, never read
    assert dropped.status_code == 200
    for page in ("/manage/program", "/manage/clients", "/manage/loyalty"):
        assert manager.get(page).status_code == 200, page
    text = manager.get(path).get_data(as_text=True)
    assert text.startswith("\ufeff") and text.count("Zoë") == 3
    dropped.close()
    assert manager.get("/manage/program").status_code == 200
