"""`pos-loyalty backup` makes a consistent copy while a till keeps selling; `restore` brings it back."""
import threading
from decimal import Decimal

from sqlalchemy import func, select

from pos_loyalty import backup as backup_module
from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, PointsAccount, Sale
from salon_setup import add_item, new_client, sell


def books(app):
    with app.app_context():
        sales = db.session.scalar(select(func.count(Sale.id)))
        accounts = db.session.scalars(select(PointsAccount)).all()
        consistent = all(
            a.balance == (db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                            .where(LedgerEntry.account_id == a.id)))
            for a in accounts)
        db.session.remove()
        return sales, consistent


def test_backup_while_selling_then_restore(app, api, tmp_path, monkeypatch):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Hélène", "Dupré")
    for _ in range(3):
        sell(api, client["id"], ("CUT", 1, "40.00"))
    sales_before, _ = books(app)

    selling, sold = threading.Event(), threading.Event()

    def till():
        """Another till: sells as soon as the backup is under way, through the same services."""
        from pos_loyalty.services import payments, sales
        from pos_loyalty.services.actor import Actor

        selling.wait(timeout=30)
        with app.app_context():
            actor = Actor("till-2", "till", 1, till_id=1)
            for _ in range(5):
                sale = sales.create_sale(actor, {"client_id": client["id"], "lines": [{"code": "CUT", "quantity": 1}]})
                payments.take_payment(actor, sale.id, Decimal("40.00"), "cash")
            db.session.remove()
        sold.set()

    monkeypatch.setattr(backup_module, "STEP_PAGES", 2)
    thread = threading.Thread(target=till)
    thread.start()
    target = tmp_path / "copy.backup"
    with app.app_context():  # the first progress step lets the other till sell while the copy goes on
        backup_module.backup(app.config["SQLALCHEMY_DATABASE_URI"], str(target),
                             lambda done, total: selling.set())
    selling.set()
    thread.join(timeout=60)
    assert sold.is_set()
    sales_after, consistent = books(app)
    assert sales_after == sales_before + 5 and consistent

    with app.app_context():
        db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    restored_sales, consistent = books(app)
    assert consistent  # a snapshot, never half a sale
    assert sales_before <= restored_sales <= sales_after
    assert api.ok("GET", f"/clients/{client['id']}/loyalty")["balance"] == 40 * (restored_sales)


def test_backup_refuses_to_overwrite_and_restore_refuses_garbage(app, tmp_path):
    existing = tmp_path / "exists.backup"
    existing.write_text("x")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "exists already" in result.output
    result = runner.invoke(args=["restore", str(existing), "--yes"])
    assert result.exit_code != 0
    assert "not restored" in result.output or "failed" in result.output or "not a pos_loyalty" in result.output
