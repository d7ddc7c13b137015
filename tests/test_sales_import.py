"""`pos-loyalty import-sales FILE.csv [--salon CODE] [--skip-bad]`: past sales, every bad row reported with
its line number, nothing imported unless all are good (or --skip-bad), a sale imported already not doubled."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pos_loyalty.core.sales_import import CatalogueEntry, FileError, ImportedSale, RowError, sales_of_text
from pos_loyalty.extensions import db
from pos_loyalty.models import AuditEntry, Client, Payment, Sale, SaleLine, Salon
from salon_setup import add_item, balance, new_client, set_program

HEADER = "date,sale,client,first_name,last_name,code,name,kind,category,quantity,unit_price\n"
CATALOGUE = [CatalogueEntry("CUT", "Coupe femme", "service", "cut", Decimal("40.00")),
             CatalogueEntry("SHAMP", "Shampoing", "product", "care", Decimal("12.00"))]
TODAY = date(2026, 11, 22)


def parse(text: str, **options):
    return sales_of_text(text, CATALOGUE, today=TODAY, **options)


def errors_of(items) -> dict[int, str]:
    return {item.line: item.message for item in items if isinstance(item, RowError)}


# --- the reader alone -----------------------------------------------------------------------------------
def test_every_bad_row_is_named_by_its_line():
    text = HEADER + "".join([
        "2026-03-01,S1,ann@example.com,Ann,Lee,CUT,,,,1,40.00\n",  # 2: good
        "2026-02-30,S2,ann@example.com,,,CUT,,,,1,40.00\n",  # 3: no such day
        ",S3,ann@example.com,,,CUT,,,,1,40.00\n",  # 4: no date
        "2026-03-01,S4,ann@example.com,,,CUT,,,,0,40.00\n",  # 5: quantity 0
        "2026-03-01,S5,ann@example.com,,,CUT,,,,1.5,40.00\n",  # 6: quantity not whole
        "2026-03-01,S6,ann@example.com,,,CUT,,,,1,-3.00\n",  # 7: negative price
        "2026-03-01,S7,ann@example.com,,,CUT,,,,1,quarante\n",  # 8: not an amount
        "2026-03-01,S8,ann@example.com,,,OIL,Huile,potion,,1,9.00\n",  # 9: unknown kind
        "2026-03-01,S9,ann@example.com,,,CUT,,product,,1,40.00\n",  # 10: contradicts the catalogue's kind
        "2026-03-01,S10,ann@example.com,,,CUT,,,colour,1,40.00\n",  # 11: contradicts its category
        "2026-03-01,S11,ann@example.com,,,OIL,,product,,1,9.00\n",  # 12: outside the catalogue without a name
        "2026-03-01,S12,,,,CUT,,,,1,40.00\n",  # 13: no client
        "2027-01-01,S13,ann@example.com,,,CUT,,,,1,40.00\n",  # 14: in the future
        "2026-03-01,S14,ann@example.com,,,CUT,,,,1\n",  # 15: a value short
        "2026-03-01,S15,ann@example.com,,,CUT,,,,1,40.123\n",  # 16: three decimals
        "2026-03-01,S16,not-an@address,,,CUT,,,,1,40.00\n",  # 17: a broken e-mail
    ])
    items = parse(text)
    errors = errors_of(items)
    assert sorted(errors) == list(range(3, 18))
    assert "2026-02-30" in errors[3] and "ISO date" in errors[3]
    assert "date: empty" in errors[4]
    assert "quantity: 0" in errors[5] and "quantity: '1.5'" in errors[6]
    assert "negative" in errors[7] and "not an amount" in errors[8]
    assert "neither service nor product" in errors[9]
    assert "CUT is a service in the catalogue" in errors[10]
    assert "category 'cut'" in errors[11]
    assert "name: required for a code outside the catalogue" in errors[12]
    assert "client: empty" in errors[13] and "future" in errors[14]
    assert "10 values where the header has 11" in errors[15]
    assert "two decimals" in errors[16] and "not an e-mail" in errors[17]
    sales = [item for item in items if isinstance(item, ImportedSale)]
    assert [(sale.ref, sale.line, sale.lines[0].unit_price, sale.lines[0].kind, sale.lines[0].category)
            for sale in sales] == [("S1", 2, Decimal("40.00"), "service", "cut")]


def test_a_sale_s_rows_agree_and_follow_each_other():
    text = HEADER + "".join([
        "2026-03-01,A,ann@example.com,,,CUT,,,,1,40.00\n",
        "2026-03-01,A,ann@example.com,,,SHAMP,,,,2,\n",  # the catalogue's price
        "2026-03-01,B,ann@example.com,,,CUT,,,,1,40.00\n",
        "2026-03-02,B,ann@example.com,,,CUT,,,,1,40.00\n",  # 5: another date
        "2026-03-01,C,ann@example.com,,,CUT,,,,1,40.00\n",
        "2026-03-01,C,bob@example.com,,,CUT,,,,1,40.00\n",  # 7: another client
        "2026-03-01,A,ann@example.com,,,CUT,,,,1,40.00\n",  # 8: A again, after B and C
    ])
    items = parse(text)
    errors = errors_of(items)
    assert sorted(errors) == [5, 7, 8]
    assert "line 4 of sale B says 2026-03-01" in errors[5]
    assert "bob@example.com where line 6 of sale C says ann@example.com" in errors[7]
    assert "must follow each other" in errors[8]
    sales = [item for item in items if isinstance(item, ImportedSale)]
    assert [sale.ref for sale in sales] == ["A"]  # a sale with one bad row is left out whole
    assert [(line.code, line.quantity, line.unit_price) for line in sales[0].lines] == [
        ("CUT", 1, Decimal("40.00")), ("SHAMP", 2, Decimal("12.00"))]


def test_bom_semicolons_decimal_commas_and_times():
    text = "\ufeff" + HEADER.replace(",", ";") + "".join([
        "2026-03-01T10:30;A;+33 6 12 34 56 78;Zoé;Faure;OIL;Huile sèche;product;Care;1;19,90\n",
        "2026-03-02;B;ZOE-FAURE;;;cut;;;;2;\n",
    ])
    sales = parse(text)
    assert [type(item) for item in sales] == [ImportedSale, ImportedSale]
    first, second = sales
    assert first.when == datetime(2026, 3, 1, 10, 30) and first.client.by == "phone"
    assert (first.lines[0].name, first.lines[0].category, first.lines[0].unit_price) == ("Huile sèche", "care",
                                                                                          Decimal("19.90"))
    assert second.client.by == "code" and second.client.value == "ZOE-FAURE" and second.lines[0].code == "CUT"


def test_a_header_without_a_required_column_or_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(FileError, match="lacks the column unit_price"):
        parse("date,sale,client,code,quantity\n2026-03-01,A,ann@example.com,CUT,1\n")
    with pytest.raises(FileError, match="empty"):
        sales_of_text("")
    from io import BytesIO

    from pos_loyalty.core.sales_import import read_sales

    with pytest.raises(FileError, match="not UTF-8"):
        list(read_sales(BytesIO((HEADER + "2026-03-01,A,zoé@example.com,,,CUT,,,,1,40\n").encode("latin-1")),
                        {}.get, catalogue_only=False, today=TODAY))


def test_catalogue_only_refuses_a_code_outside_the_catalogue():
    text = HEADER + "2026-03-01,A,ann@example.com,,,OIL,Huile,product,,1,9.00\n"
    assert not errors_of(parse(text))
    assert "not in the catalogue" in errors_of(parse(text, catalogue_only=True))[2]


# --- the command ----------------------------------------------------------------------------------------
GOOD = HEADER + "".join([
    "2026-03-01,T-1,hélène@example.com,Hélène,Dupré,CUT,,,,1,40.00\n",
    "2026-03-01,T-1,hélène@example.com,Hélène,Dupré,SHAMP,,,,2,12.00\n",
    "2026-04-05T18:45+02:00,T-2,06 11 22 33 44,,,CUT,,,,1,45.00\n",  # Paul, by his phone
    "2026-05-09,T-3,PAUL-MARTIN,,,COL,Couleur,service,colour,1,60.00\n",  # Paul, by his referral code
])


@pytest.fixture
def salon(app, api):
    set_program(api, points_per_unit="1")
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "SHAMP", "Shampoing", "12.00", kind="product", category="care")
    return new_client(api, "Paul", "Martin", phone="+33 6 11 22 33 44")


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count(Sale.id))), db.session.scalar(select(func.count(SaleLine.id))),
                db.session.scalar(select(func.count(Client.id))))


def test_a_good_file_is_imported_once_as_paid_history_that_earns_nothing(app, api, salon, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(GOOD, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-sales", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 sales imported (4 lines, 1 new clients), 0 imported already" in result.output
    assert "Checking rows" in result.output and "Importing sales" in result.output  # the progress bars
    with app.app_context():
        sales = db.session.scalars(select(Sale).order_by(Sale.id)).all()
        helene = db.session.scalars(select(Client).where(Client.last_name == "Dupré")).one()
        assert helene.email == "hélène@example.com" and helene.referral_code == "HELENE-DUPRE" and helene.card_token
        assert [(s.external_ref, s.source, s.till_id, s.status, s.points_earned) for s in sales] == [
            ("T-1", "import", None, "paid", 0), ("T-2", "import", None, "paid", 0), ("T-3", "import", None, "paid", 0)]
        assert [s.client_id for s in sales] == [helene.id, salon["id"], salon["id"]]
        # A date alone is noon in the salon's time zone (Paris, UTC+1 in March); a time keeps its offset.
        assert sales[0].paid_at == datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
        assert sales[1].paid_at == datetime(2026, 4, 5, 16, 45, tzinfo=UTC)
        assert [(p.method, p.amount) for p in db.session.scalars(select(Payment).where(
            Payment.sale_id == sales[0].id))] == [("other", Decimal("64.00"))]
        lines = db.session.scalars(select(SaleLine).where(SaleLine.sale_id == sales[2].id)).all()
        assert [(line.code, line.kind, line.category, line.unit_price) for line in lines] == [
            ("COL", "service", "colour", Decimal("60.00"))]
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sale.import")).one()
        assert audit.after["sales_imported"] == 3 and audit.staff == "command line"
    assert balance(api, salon["id"]) == 0

    again = runner.invoke(args=["import-sales", str(path)])
    assert again.exit_code == 0, again.output
    assert "0 sales imported" in again.output and "3 imported already" in again.output
    assert "sale T-1: imported already" in again.output
    assert counts(app) == (3, 4, 2)


def test_a_bad_row_stops_the_whole_import_unless_skip_bad(app, api, salon, tmp_path):
    bad = GOOD + "".join([
        "2026-05-10,T-4,zoe@example.com,Zoé,Faure,CUT,,,,2,abc\n",  # line 6
        "2026-05-11,T-5,nobody@example.com,,,CUT,,,,1,40.00\n",  # line 7: unknown, no names to create them
        "2026-05-12,T-6,NO-SUCH-CODE,,,CUT,,,,1,40.00\n",  # line 8: no client has this code
        "2026-05-13,T-7,zoe@example.com,Zoé,Faure,CUT,,,,1,40.00\n",
    ])
    path = tmp_path / "sales.csv"
    path.write_text(bad, encoding="utf-8")
    runner = app.test_cli_runner()
    before = counts(app)
    result = runner.invoke(args=["import-sales", str(path)])
    assert result.exit_code != 0
    assert "line 6: unit_price: 'abc' is not an amount" in result.output
    assert "line 7: client: nobody@example.com is not a client yet" in result.output
    assert "line 8: client: no client has the referral code NO-SUCH-CODE" in result.output
    assert "3 bad rows: nothing imported" in result.output
    assert counts(app) == before  # not a sale, not a client

    skipped = runner.invoke(args=["import-sales", str(path), "--skip-bad"])
    assert skipped.exit_code == 0, skipped.output
    assert "4 sales imported" in skipped.output and "3 bad rows skipped" in skipped.output
    with app.app_context():
        refs = db.session.scalars(select(Sale.external_ref).order_by(Sale.id)).all()
    assert refs == ["T-1", "T-2", "T-3", "T-7"]
    assert counts(app)[2] == before[2] + 2  # Hélène and Zoé


def test_another_salon_by_its_code_and_an_unknown_code(app, api, salon, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["salon", "add", "--code", "lyon", "--name", "Salon Lyon"]).exit_code == 0
    path = tmp_path / "sales.csv"
    path.write_text(HEADER + "2026-03-01,L-1,06 11 22 33 44,,,CUT,Coupe,service,cut,1,38.00\n", encoding="utf-8")
    assert runner.invoke(args=["import-sales", str(path), "--salon", "nowhere"]).exit_code != 0
    result = runner.invoke(args=["import-sales", str(path), "--salon", "lyon"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        sale = db.session.scalars(select(Sale)).one()
        assert db.session.get(Salon, sale.salon_id).code == "lyon" and sale.client_id == salon["id"]
    # The same reference in another salon is another sale.
    assert "1 sales imported" in runner.invoke(args=["import-sales", str(path)]).output


def test_an_imported_sale_reads_prints_and_refunds_like_any_other(app, api, salon, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["import-sales", str(path)]).exit_code == 0
    assert app.test_cli_runner().invoke(args=["recalculate", "--period", "12m"]).exit_code == 0
    with app.app_context():
        sale_id = db.session.scalars(select(Sale.id).where(Sale.external_ref == "T-2")).one()
    sale = api.ok("GET", f"/sales/{sale_id}")
    assert (sale["till"], sale["status"], sale["paid"], sale["due"]) == (None, "paid", "45.00", "0.00")
    code, receipt = api.call("GET", f"/sales/{sale_id}/receipt", query={"format": "text"})
    assert code == 200
    assert balance(api, salon["id"]) == 45 + 60
    refund = api.ok("POST", f"/sales/{sale_id}/refund", as_="manager")
    assert refund["points_reversed"] == 45 and balance(api, salon["id"]) == 60
    printed = api.call("POST", f"/sales/{sale_id}/print")  # from the till token's own till
    assert printed[0] in (201, 202, 409), printed  # queued, or "no printer configured": never a 500
