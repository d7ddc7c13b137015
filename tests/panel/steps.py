"""Steps the browser tests share."""


def log_in(page, base, name="Camille", pin="1234"):
    page.goto(base + "/login")
    page.get_by_text(name, exact=True).click()
    page.fill("#pin", pin)
    page.get_by_role("button", name="Ouvrir la caisse").click()


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways: the page never scrolls horizontally."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
