"""Steps the browser tests share."""


def log_in(page, base, name="Camille", pin="1234"):
    page.goto(base + "/login")
    page.get_by_text(name, exact=True).click()
    page.fill("#pin", pin)
    page.get_by_role("button", name="Ouvrir la caisse").click()
