"""Another site cannot frame the panel: a page on another loopback port puts the login page in an iframe,
and Chromium refuses to show it (frame-ancestors 'none', X-Frame-Options DENY)."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]


@pytest.fixture
def other_site(live_server):
    """An unrelated site on another port: /attack frames the panel, /control frames a page of its own."""
    pages = {
        "/attack": f'<h1>Other site</h1><iframe id="framed" src="{live_server}/login"></iframe>',
        "/control": '<h1>Other site</h1><iframe id="framed" src="/inner"></iframe>',
        "/inner": '<p id="inner">framed fine</p>',
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # bound at once: no other worker takes it
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def framed(page):
    return next(frame for frame in page.frames if frame != page.main_frame)


def test_another_site_cannot_frame_the_login_page(context, live_server, other_site, salon, shoot):
    page = context.new_page()
    page.goto(other_site + "/control", wait_until="load")  # the harness sees a frame that does show
    expect(page.frame_locator("#framed").locator("#inner")).to_have_text("framed fine")

    refusals = []
    page.on("console", lambda message: refusals.append(message.text))
    page.goto(other_site + "/attack", wait_until="load")  # load waits for the iframe's own navigation
    expect(page.get_by_role("heading", name="Other site")).to_be_visible()
    inner = framed(page)
    assert inner.url != live_server + "/login"  # Chromium replaced the panel by its error page
    assert inner.locator("#pin").count() == 0
    assert "Qui est à la caisse" not in inner.evaluate("document.body ? document.body.innerText : ''")
    shoot(page, "framing-refused")

    own = context.new_page()  # the same page opened in its own window is the panel, scripts and all
    own.goto(live_server + "/login")
    expect(own.get_by_role("heading", name="Qui est à la caisse ?")).to_be_visible()
    assert not [text for text in refusals if "Content Security Policy" in text and "script" in text]
