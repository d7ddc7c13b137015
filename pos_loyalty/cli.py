"""The `pos-loyalty` command (Flask's CLI conventions): db, demo, serve, token, staff, salon, expire,
recalculate, reset-points, import-sales."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from pos_loyalty.core.errors import DomainError


def _create_app(*args, **kwargs):
    from pos_loyalty import create_app
    from pos_loyalty.mail.smtp import MailConfigError
    from pos_loyalty.printing.transports import PrinterConfigError

    try:
        return create_app()
    except (PrinterConfigError, MailConfigError) as error:  # a setting to mend: its message, not a traceback
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """Loyalty at the till of hair and beauty salons."""


def _fail(error: DomainError):
    raise click.ClickException(error.message)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the API and the panel with waitress (several tills at once)."""
    from waitress import serve

    from pos_loyalty.services.setup import ensure_salon

    ensure_salon()
    from pos_loyalty.serving import settle_for_serving

    settle_for_serving()
    click.echo(f"pos_loyalty serving on http://{host}:{port}/")
    serve(current_app._get_current_object(), host=host, port=port, threads=threads, ident="pos_loyalty")


@click.group("token")
def token_group() -> None:
    """API tokens for tills and managers."""


@token_group.command("create")
@click.option("--role", required=True, type=click.Choice(["till", "manager"]))
@click.option("--name", default=None, help="Who or what uses it: a till code or a person.")
@click.option("--till", "till_code", default=None, help="The till a till token belongs to (default till-1).")
@click.option("--salon", "salon_code", default=None, help="The salon's code (default: the first salon).")
@click.option("--expires-in", "expires_in", default=None, type=click.IntRange(1, 36500), metavar="DAYS",
              help="The token stops working after this many days.")
@click.option("--expires", "expires_on", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              metavar="YYYY-MM-DD", help="The token works until the end of this day (salon time).")
@with_appcontext
def token_create(role: str, name: str | None, till_code: str | None, salon_code: str | None,
                 expires_in: int | None, expires_on) -> None:
    """Create a token; it is printed once, as the last line."""
    from pos_loyalty.services.staff import create_token

    try:
        row, token = create_token(role, name, till_code, salon_code, expires_in_days=expires_in,
                                  expires_on=expires_on.date() if expires_on else None)
    except DomainError as error:
        _fail(error)
    until = f", valid until {row.expires_at.isoformat(timespec='minutes')}" if row.expires_at else ""
    click.echo(f"Created {role} token “{row.name}” (id {row.id}{until}). Keep it secret; it is not shown again:")
    click.echo(token)


@token_group.command("list")
@click.option("--salon", "salon_code", default=None, help="The salon's code (default: the first salon).")
@with_appcontext
def token_list(salon_code: str | None) -> None:
    """The salon's tokens: name, role, till, created, expires, revoked (never the secret)."""
    from pos_loyalty.services.staff import list_tokens

    def when(moment) -> str:
        return moment.isoformat(timespec="minutes") if moment else "-"

    try:
        tokens = list_tokens(salon_code)
    except DomainError as error:
        _fail(error)
    click.echo("name\trole\ttill\tcreated\texpires\trevoked")
    for token in tokens:
        click.echo(f"{token.name}\t{token.role}\t{token.till or '-'}\t{when(token.created_at)}\t"
                   f"{when(token.expires_at)}\t{when(token.revoked_at)}")


@token_group.command("revoke")
@click.argument("name")
@click.option("--salon", "salon_code", default=None, help="The salon's code (default: the first salon).")
@with_appcontext
def token_revoke(name: str, salon_code: str | None) -> None:
    """Revoke the salon's token(s) named NAME: refused from the next request on."""
    from pos_loyalty.services.staff import revoke_tokens

    try:
        revoked = revoke_tokens(name, salon_code)
    except DomainError as error:
        _fail(error)
    click.echo(f"Revoked {len(revoked)} token(s) named “{name}”.")


@click.group("staff")
def staff_group() -> None:
    """Staff who log in to the panel with a PIN."""


@staff_group.command("add")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["cashier", "manager"]))
@click.option("--pin", required=True, help="4 to 8 digits.")
@click.option("--salon", "salon_code", default=None, help="The salon's code (default: the first salon).")
@with_appcontext
def staff_add(name: str, role: str, pin: str, salon_code: str | None) -> None:
    """Add a cashier or a manager who logs in to the panel with a PIN."""
    from pos_loyalty.services.staff import add_staff

    try:
        staff = add_staff(name, role, pin, salon_code)
    except DomainError as error:
        _fail(error)
    click.echo(f"Added {role} {staff.name} (id {staff.id}).")


@staff_group.command("pin")
@click.argument("who")
@click.option("--pin", required=True, help="The new PIN: 4 to 8 digits.")
@click.option("--salon", "salon_code", default=None, help="The salon's code (default: the first salon).")
@with_appcontext
def staff_pin(who: str, pin: str, salon_code: str | None) -> None:
    """Give WHO (a name or an id) a new PIN; their open panel sessions end."""
    from pos_loyalty.services.staff import change_pin, command_line, find_staff

    try:
        staff = change_pin(command_line(salon_code), find_staff(who, salon_code).id, pin)
    except DomainError as error:
        _fail(error)
    click.echo(f"New PIN for {staff.name}; their panel sessions are closed.")


@staff_group.command("deactivate")
@click.argument("who")
@click.option("--salon", "salon_code", default=None, help="The salon's code (default: the first salon).")
@with_appcontext
def staff_deactivate(who: str, salon_code: str | None) -> None:
    """WHO (a name or an id) can no longer log in; their open panel sessions end."""
    from pos_loyalty.services.staff import command_line, deactivate_staff, find_staff

    try:
        staff = deactivate_staff(command_line(salon_code), find_staff(who, salon_code).id)
    except DomainError as error:
        _fail(error)
    click.echo(f"{staff.name} can no longer log in; their panel sessions are closed.")


@click.group("salon")
def salon_group() -> None:
    """The salons of the chain: they share clients and points; each has its tills, catalogue and staff."""


@salon_group.command("add")
@click.option("--code", required=True, help="Short name: paris-11.")
@click.option("--name", required=True)
@click.option("--timezone", default="Europe/Paris", show_default=True)
@click.option("--locale", default="fr_FR", show_default=True)
@click.option("--currency", default="EUR", show_default=True)
@click.option("--address", default="")
@click.option("--vat-number", default="")
@with_appcontext
def salon_add(code, name, timezone, locale, currency, address, vat_number) -> None:
    from pos_loyalty.services.setup import add_salon

    try:
        salon = add_salon(code, name, timezone, locale, currency, address, vat_number)
    except DomainError as error:
        _fail(error)
    click.echo(f"Added salon {salon.code} “{salon.name}” with till-1.")


@salon_group.command("list")
@with_appcontext
def salon_list() -> None:
    from sqlalchemy import select

    from pos_loyalty.extensions import db
    from pos_loyalty.models import Salon
    from pos_loyalty.services.setup import ensure_salon

    ensure_salon()
    for salon in db.session.scalars(select(Salon).order_by(Salon.id)):
        click.echo(f"{salon.code}\t{salon.name}\t{salon.timezone}\t{salon.locale}\t{salon.currency}")


@click.command("recalculate")
@click.option("--period", type=click.Choice(["3m", "6m", "12m", "all"]), default=None,
              help="The last 3, 6 or 12 months of paid sales, or all of them.")
@click.option("--since", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Or from this day on (YYYY-MM-DD).")
@with_appcontext
def recalculate_command(period: str | None, since) -> None:
    """Bring the automatic points of the period's paid sales to today's rules (twice changes nothing)."""
    from pos_loyalty.services.recalculation import count_sales, period_start, recalculate_history, since_start
    from pos_loyalty.services.staff import command_line

    if (period is None) == (since is None):
        raise click.UsageError("Give --period 3m|6m|12m|all or --since YYYY-MM-DD.")
    start = period_start(period) if period else since_start(since.date())
    todo = count_sales(start)
    with click.progressbar(length=todo, label=f"Recalculating {todo} sales") as bar:
        outcome = recalculate_history(start, progress=bar.update, actor=command_line(),
                                      audit_object=f"period {period}" if period else f"since {since.date()}")
    click.echo(f"{outcome.points_added} points added, {outcome.points_removed} taken back over {outcome.sales}"
               f" sales ({outcome.sales_changed} changed, {outcome.clients} clients).")


@click.command("reset-points")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def reset_points_command(yes: bool) -> None:
    """Take back every client's automatic points (append-only); manual points and bonuses stay."""
    from pos_loyalty.services.recalculation import count_sales, reset_points
    from pos_loyalty.services.staff import command_line

    if not yes:
        click.confirm("This takes back every client's automatic points. Continue?", abort=True)
    todo = count_sales(reset=True)
    with click.progressbar(length=todo, label=f"Resetting {todo} sales") as bar:
        outcome = reset_points(progress=bar.update, actor=command_line())
    click.echo(f"{outcome.points_removed} points taken back over {outcome.sales_changed} sales"
               f" ({outcome.clients} clients).")


@click.command("import-sales")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--salon", "salon_code", default=None, help="The salon's code (default: the first salon).")
@click.option("--skip-bad", is_flag=True, help="Import the good rows even when some are bad.")
@with_appcontext
def import_sales_command(file: str, salon_code: str | None, skip_bad: bool) -> None:
    """Import past sales from a CSV file; they earn nothing until `recalculate`."""
    from pos_loyalty.services.sales_import import import_sales_file
    from pos_loyalty.services.staff import command_line

    try:
        actor = command_line(salon_code)
    except DomainError as error:
        _fail(error)
    bars: dict = {}

    def progress(step: str, done: int, total: int) -> None:
        bar = bars.get(step)
        if bar is None:
            label = "Checking rows" if step == "check" else "Importing sales"
            bar = bars[step] = click.progressbar(length=total, label=label)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    with open(file, "rb") as stream:
        report = import_sales_file(actor, stream, skip_bad=skip_bad, progress=progress)
    for bar in bars.values():
        if not bar.finished:
            bar.__exit__(None, None, None)
    for error in report.errors[:200]:
        click.echo(f"line {error.line}: {error.message}", err=True)
    if len(report.errors) > 200:
        click.echo(f"... and {len(report.errors) - 200} more bad rows", err=True)
    for ref in report.duplicates[:20]:
        click.echo(f"sale {ref}: imported already, left as it is", err=True)
    if report.errors and not skip_bad:
        raise click.ClickException(f"{len(report.errors)} bad rows: nothing imported (fix them, or --skip-bad).")
    click.echo(f"{report.sales_imported} sales imported ({report.lines_imported} lines, {report.clients_created}"
               f" new clients), {len(report.duplicates)} imported already, {len(report.errors)} bad rows skipped.")


@click.command("expire")
@with_appcontext
def expire_command() -> None:
    """Write today's expiry entries for every client (nightly; the till also does it on the fly)."""
    from pos_loyalty.services.expiry import sweep_all

    click.echo(f"{sweep_all()} points expired.")


@click.command("notify")
@click.option("--on", "on", default=None, type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The day to notify for (default: today in the salon's time zone).")
@with_appcontext
def notify_command(on) -> None:
    """Write the e-mails due by date (points expiring within 30 days, once per lot), send what is due."""
    from pos_loyalty.services.mail_notify import describe, notify

    click.echo(describe(notify(on.date() if on else None)))


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Load the demo salon and stop.")
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Migrate, load a demo salon (services, clients, rewards, a year of history) and serve."""
    from flask_migrate import upgrade

    from pos_loyalty.demo import HISTORY_DAYS, demo_loaded, demo_logins, load_history

    upgrade()
    if demo_loaded():
        click.echo("Demo salon already loaded: nothing to load.")
    else:
        with click.progressbar(length=HISTORY_DAYS, label="Loading a year of sales history (days)") as bar:
            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            report = load_history(progress)
        for line in report:
            click.echo(line)
    _print_demo_guide(host, port, demo_logins())
    if not no_serve:
        click.get_current_context().invoke(serve_command, host=host, port=port, threads=8)


def _print_demo_guide(host: str, port: int, logins) -> None:
    """Where to go, who to be and how to stop, once the demo is ready."""
    everywhere = host in ("0.0.0.0", "::", "")
    base = f"http://{'127.0.0.1' if everywhere else ('[' + host + ']' if ':' in host else host)}:{port}"
    lines = ["", f"The demo serves on {host}:{port}." + (
                 " It listens on every interface: from another device (the client display),\n"
                 "use this machine's address instead of 127.0.0.1, for the manager pages too." if everywhere else ""),
             f"  Till (checkout):   {base}/",
             f"  Manager pages:     {base}/manage",
             f"  Client display:    {base}/display",
             "    to pair the screen facing the client: sign in as the manager, open",
             f"    {base}/manage/tills, press “Pair a client display” on till-1, then open the link",
             "    (or scan the QR code) it shows on the display's browser: no staff login is needed there.",
             "",
             "PINs (the till and the manager pages):",
             f"  cashier  {logins.cashier[0]:<20} PIN {logins.cashier[1]}",
             f"  manager  {logins.manager[0]:<20} PIN {logins.manager[1]}",
             "",
             "API tokens (header Authorization: Bearer <token>), new ones on every run:",
             f"  till-1:   {logins.till_token}",
             f"  manager:  {logins.manager_token}",
             "",
             "Stop the server with Ctrl+C.", ""]
    for line in lines:
        click.echo(line)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target: str) -> None:
    """Copy the database to TARGET while tills keep selling (SQLite online backup; pg_dump)."""
    from pos_loyalty.backup import BackupError, backup, describe

    try:
        with click.progressbar(length=1, label="Backing up") as bar:
            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target, progress)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written: {describe(target)}")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: str, yes: bool) -> None:
    """Replace the database with the backup SOURCE."""
    from pos_loyalty.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces every sale and point with the backup's. Continue?", abort=True)
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {source}.")


def register_commands(app) -> None:
    for command in (serve_command, token_group, staff_group, salon_group, expire_command, notify_command, demo_command,
                    backup_command, restore_command, recalculate_command, reset_points_command,
                    import_sales_command):
        app.cli.add_command(command)
    # `db` (upgrade, migrate, ...) comes from Flask-Migrate.
    from flask_migrate.cli import db as db_group

    app.cli.add_command(db_group)
