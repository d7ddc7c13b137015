"""Issue 11: the amount field speaks the page's language: on an English page in a French salon the due is
prefilled "30.00" (as the page writes "€30.00") and what the cashier types is read the English way; on the
French page "30,00". Either decimal mark is still understood."""
import re

import pytest

from .test_panel_forms import logged_in

pytestmark = pytest.mark.sqlite_only
HTMX = {"HX-Request": "true"}


def amount_field(fragment: str) -> str:
    return re.search(r'id="amount" name="amount" inputmode="decimal" value="([^"]*)"', fragment).group(1)


@pytest.mark.parametrize("language, prefilled, typed, still_due", [
    ("en", "30.00", "12.50", "€17.50"), ("fr", "30,00", "12,50", "17,50\u00a0€"), ("it", "30,00", "12,5", "17,50\u00a0€")])
def test_the_amount_is_prefilled_and_read_in_the_pages_language(app, salon, language, prefilled, typed, still_due):
    client, token = logged_in(app)
    client.get(f"/?lang={language}")
    client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"}, headers=HTMX)
    page = client.get(f"/?lang={language}").get_data(as_text=True)
    assert amount_field(page) == prefilled
    fragment = client.post("/panel/pay", data={"csrf_token": token, "amount": typed, "method": "cash"},
                           headers=HTMX).get_data(as_text=True)
    due = re.search(r'data-testid="due">([^<]+)<', fragment).group(1)
    assert due == still_due
