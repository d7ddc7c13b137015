"""Bad input on every form of the back office and the till never gets a 500: every page a manager can open
(walked from the URL map, as test_manager_access does) is read, each of its POST forms is found in the HTML
and posted with every field at once set to garbage (empty, too long, negative, not a number, control and
markup characters, a huge number), with the page's own CSRF token. A form added tomorrow is walked too."""
from html.parser import HTMLParser

import pytest

from tests.panel.logins import csrf_of, log_in
from tests.panel.manage.test_manager_access import manager_pages, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.sqlite_only

GARBAGE = ["", "x" * 5000, "-1", "abc", "1e999", "99999999999999999999999", "\x00\x07<script>é</script>",
           "2026-02-31", "12:99", " "]
NOT_WALKED = ("/logout",)  # it ends the walk's session by design


class Forms(HTMLParser):
    """The POST forms of a page: (action, field names)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._open: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._open = (attributes.get("action") or "", set())
        elif tag in ("input", "select", "textarea", "button") and self._open is not None and attributes.get("name"):
            self._open[1].add(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self._open is not None:
            self.forms.append(self._open)
            self._open = None


def forms_of(page: str, here: str) -> list[tuple[str, set[str]]]:
    parser = Forms()
    parser.feed(page)
    return [(action or here, fields - {"csrf_token"}) for action, fields in parser.forms]


def test_garbage_in_every_back_office_and_till_form_is_refused_without_a_500(app, client, world):  # noqa: F811
    log_in(client, "Isabelle", "9876")
    pages = ["/"] + [path for method, path in manager_pages(app, world) if method == "GET"]
    posted, broken = 0, []
    for path in pages:
        page = client.get(path)
        if page.status_code != 200 or "text/html" not in page.content_type:
            continue
        html = page.get_data(as_text=True)
        for action, fields in forms_of(html, path):
            if action.startswith(NOT_WALKED) or not action.startswith("/"):
                continue
            for junk in GARBAGE:
                token = csrf_of(client.get(path).get_data(as_text=True))
                answer = client.post(action, data={"csrf_token": token, **{name: junk for name in fields}})
                posted += 1
                if answer.status_code >= 500:
                    broken.append((path, action, repr(junk[:20]), answer.status_code))
            if client.get("/manage/").status_code != 200:
                log_in(client, "Isabelle", "9876")  # a form may end the session (a PIN reset of oneself)
    assert posted > 300, posted  # the walk really posted the forms
    assert broken == [], broken
