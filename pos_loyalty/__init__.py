"""pos_loyalty: loyalty at the till of hair and beauty salons."""
from __future__ import annotations

import os
import secrets

from flask import Flask

from pos_loyalty.config import default_config, from_environment


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    from pos_loyalty.url_rules import CompiledOnceRule

    app.url_rule_class = CompiledOnceRule  # URL builders compiled once per process (see url_rules.py)
    app.json.sort_keys = False  # answers keep the order of their schema: id first, as integrators read them
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(default_config(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(from_environment())
    else:
        app.config.update(from_environment())
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    _normalise_database_url(app)
    from pos_loyalty.printing.transports import check_printer_settings

    check_printer_settings(app.config)  # a bad printer address stops the start, naming the variable to mend
    from pos_loyalty.mail.smtp import check_mail_settings

    check_mail_settings(app.config)  # likewise a bad POS_LOYALTY_SMTP_URL

    from pos_loyalty import database
    from pos_loyalty.extensions import db, migrate
    from pos_loyalty.runtime import Runtime

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    with app.app_context():
        database.configure_engine(db.engine)
    from pos_loyalty.services.transaction import keep_loaded_objects

    keep_loaded_objects()
    app.extensions["pos_loyalty"] = Runtime.from_config(app.config)

    from pos_loyalty.api import register_api

    register_api(app)

    from pos_loyalty.panel import init_panel

    init_panel(app)

    from pos_loyalty.security_headers import init_security_headers

    init_security_headers(app)

    from pos_loyalty.cli import register_commands

    register_commands(app)
    from pos_loyalty.services.mail_worker import init_mail_worker

    init_mail_worker(app)
    return app


def _instance_secret(instance_path: str) -> str:
    """A per-installation secret kept in the instance folder, so sessions survive a restart."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        with open(path, "w") as handle:
            handle.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
    with open(path) as handle:
        return handle.read().strip()


def _normalise_database_url(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # psycopg 3 is the PostgreSQL driver; accept the plain postgresql:// form people copy around.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url[len(prefix):]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # The connection used last goes out first: a quiet till's requests keep one warm connection, with the
        # statements psycopg prepared on it (a FIFO pool hands out each in turn, every one of them cold).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_use_lifo": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
