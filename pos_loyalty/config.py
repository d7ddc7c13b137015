"""Configuration: defaults, then the instance folder's config.py, then POS_LOYALTY_* environment variables."""
from __future__ import annotations

import os
from datetime import timedelta

ENVIRONMENT_KEYS = {
    "POS_LOYALTY_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "POS_LOYALTY_PRINTER": "PRINTER_URL",
    "POS_LOYALTY_SECRET_KEY": "SECRET_KEY",
    "POS_LOYALTY_PLUGINS_DIR": "PLUGINS_DIR",
    "POS_LOYALTY_REFERRAL_LINK": "REFERRAL_LINK",
    "POS_LOYALTY_PRINT_DIR": "PRINT_DIR",
    "POS_LOYALTY_PRINTER_PORTS": "PRINTER_PORTS",
    "POS_LOYALTY_SECURE_COOKIES": "SECURE_COOKIES",
    "POS_LOYALTY_LOGIN_RATE": "LOGIN_RATE",
    "POS_LOYALTY_LOGIN_RATE_STORAGE": "LOGIN_RATE_STORAGE",
    "POS_LOYALTY_PUBLIC_URL": "PUBLIC_URL",
    "POS_LOYALTY_JOIN_RATE": "JOIN_RATE",
    "POS_LOYALTY_SMTP_URL": "SMTP_URL",
    "POS_LOYALTY_MAIL_FROM": "MAIL_FROM",
    "POS_LOYALTY_MAIL_TEMPLATES": "MAIL_TEMPLATES",
}
# Switches written in the environment as true/false, yes/no, on/off or 1/0.
BOOLEAN_KEYS = {"SECURE_COOKIES"}
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def default_config(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "pos_loyalty.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "PRINTER_URL": "none",
        # file:// printers write only inside this folder; tcp:// printers only on these ports (ranges allowed).
        "PRINT_DIR": os.path.join(instance_path, "prints"),
        "PRINTER_PORTS": "9100-9109",
        "SECRET_KEY": None,
        "PLUGINS_DIR": None,
        "PLUGINS": [],
        "CLOCK": None,
        # Where clients reach this server from their phones (https://salon.example): the card's and the
        # referral links start with it. None: the address a request came to, else http://127.0.0.1:5000.
        "PUBLIC_URL": None,
        # The link a client shares, printed on the receipt; None: PUBLIC_URL + /r/{code} (the sign-up page).
        "REFERRAL_LINK": None,
        # Sign-ups accepted from one client address on /join (Flask-Limiter's notation).
        "JOIN_RATE": "5 per hour",
        "API_TITLE": "pos_loyalty",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # The panel's session: here, not setdefault() in the panel, since Flask has defaults for these keys.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # True when the panel is served over HTTPS (a TLS proxy): session and device cookies get the Secure
        # flag. Off by default, since tills often reach the server over plain HTTP on the salon's LAN.
        "SECURE_COOKIES": False,
        # Wrong PINs accepted from one client address (Flask-Limiter's notation), on top of the per-staff lock.
        "LOGIN_RATE": "10 per minute",
        # Where the counts live: memory:// counts per process (one waitress process); with several worker
        # processes, a shared store such as redis://host:6379 (Flask-Limiter's storage URIs).
        "LOGIN_RATE_STORAGE": "memory://",
        # E-mail (pos_loyalty/mail/): smtp://user:password@host:port[?starttls=1]; None: no mail is written.
        "SMTP_URL": None,
        # The sender; None: the salon's name at no-reply@ the PUBLIC_URL's host (else the SMTP server's).
        "MAIL_FROM": None,
        # "thread": a worker thread of the server sends the outbox; "manual": only send_due_mails() (tests).
        "MAIL_WORKER": "thread",
        # A salon's own mail templates, looked in before the bundled mails/ (see mails/README.md).
        "MAIL_TEMPLATES": None,
    }


def from_environment() -> dict:
    return {key: parse_setting(key, os.environ[env]) for env, key in ENVIRONMENT_KEYS.items() if os.environ.get(env)}


def parse_setting(key: str, value: str):
    """A variable's text as the setting's type; a switch that is neither true nor false stops the start."""
    if key not in BOOLEAN_KEYS:
        return value
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    env = next(name for name, target in ENVIRONMENT_KEYS.items() if target == key)
    raise ValueError(f"{env}={value!r}: write true or false.")
