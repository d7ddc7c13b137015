"""History import and recalculation at 10,000 and 100,000 sales: rows per second and memory kept flat.

    python benchmarks/history_import.py [--database sqlite|postgresql|both] [--scales 10000,100000] [--tracemalloc]

For each database and scale, a fresh database in a child process of its own: a CSV of past sales is written
(a salon's year: 1 to 3 lines a sale from the catalogue, one client for every 20 sales, dates over 13 months),
imported by the command's own service (services/sales_import.py, two streaming passes, with the command
line's progress bars on stderr), then the last 12 months recalculated by services/recalculation.py (its
progress bar too). Each child reports its timings and the growth of its peak resident memory (ru_maxrss)
over the run, measured after the app was set up and the file written. The goal: the 100,000 run's growth at
most 2× the 10,000 run's (memory flat: nothing held per row or per sale). PostgreSQL runs when its server at
127.0.0.1:5432 answers.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATALOGUE = [("PORTRAIT", "Portrait", "service", "photo", "75.00"), ("CUT", "Coupe femme", "service", "cut", "40.00"),
             ("COL", "Couleur", "service", "colour", "60.00"), ("BAL", "Balayage", "service", "colour", "120.00"),
             ("SHAMP", "Shampoing", "product", "care", "12.00"), ("OIL", "Huile sèche", "product", "care", "19.90")]
HEADER = "date,sale,client,first_name,last_name,code,name,kind,category,quantity,unit_price\n"


def write_csv(path: Path, sales: int, today: datetime) -> int:
    """The file, streamed to disk; returns its rows."""
    rng = random.Random(sales)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff" + HEADER)
        for number in range(sales):
            client = number % max(sales // 20, 1)
            day = (today - timedelta(days=rng.randrange(395))).date().isoformat()
            for code, name, kind, category, price in rng.sample(CATALOGUE, rng.randint(1, 3)):
                out.write(f"{day},H-{number},client{client}@example.com,Élodie,Client{client},{code},,,,"
                          f"{rng.choice((1, 1, 1, 2))},{price}\n")
                rows += 1
    return rows


def database_url(kind: str, folder: Path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / name}.sqlite"
    import psycopg

    database = f"pl_bench_history_{name}_{random.randrange(10**6)}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    return f"postgresql://postgres@127.0.0.1:5432/{database}"


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2):
            return True
    except Exception:
        return False


def bar(label: str, length: int):
    import click

    return click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True)


def child(kind: str, sales: int, traced: bool = False) -> dict:
    """One database, one scale, in this process: set up, write the file, import, recalculate. `traced`: the
    Python heap's peak too (tracemalloc: slower, but blind to the database driver's own memory)."""
    import tracemalloc

    import click
    from flask_migrate import upgrade

    from pos_loyalty import create_app
    from pos_loyalty.extensions import db
    from pos_loyalty.models import CatalogueItem
    from pos_loyalty.services import program as program_service
    from pos_loyalty.services.recalculation import count_sales, period_start, recalculate_history
    from pos_loyalty.services.sales_import import import_sales_file
    from pos_loyalty.services.setup import ensure_salon
    from pos_loyalty.services.staff import command_line

    folder = Path(tempfile.mkdtemp(prefix="pl-history-"))
    url = database_url(kind, folder, f"s{sales}")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PRINT_WORKER": "manual"})
        with app.app_context():
            upgrade()
            salon = ensure_salon(name="Studio Lumière")
            for code, name, item_kind, category, price in CATALOGUE:
                db.session.add(CatalogueItem(salon_id=salon.id, code=code, name=name, kind=item_kind,
                                             category=category, price=Decimal(price)))
            db.session.commit()
            actor = command_line()
            program_service.update_program(actor, {"points_per_unit": Decimal("1"), "validity_months": 24})
            program_service.create_rule(actor, "service", {"service_code": "PORTRAIT", "points": 50})
            program_service.create_rule(actor, "category", {"category": "colour", "points": 20})
            path = folder / "history.csv"
            rows = write_csv(path, sales, datetime.now(UTC))
            baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            if traced:
                tracemalloc.start()
            bars: dict = {}

            def progress(step: str, done: int, total: int) -> None:
                if step not in bars:
                    bars[step] = bar("checking rows" if step == "check" else "importing sales", total)
                    bars[step].__enter__()
                bars[step].update(done - bars[step].pos)

            started = time.perf_counter()
            with path.open("rb") as stream:
                report = import_sales_file(actor, stream, progress=progress)
            for open_bar in bars.values():
                open_bar.__exit__(None, None, None)
            imported = time.perf_counter() - started
            after_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            assert report.imported and report.sales_imported == sales, report.summary()

            start = period_start("12m")
            todo = count_sales(start)
            started = time.perf_counter()
            with bar(f"recalculating {todo} sales", todo) as recalculating:
                outcome = recalculate_history(start, progress=recalculating.update)
            recalculated = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            heap_peak = tracemalloc.get_traced_memory()[1] if traced else None
            tracemalloc.stop()
            click.echo("", err=True)
            db.engine.dispose()
        return {"database": kind, "sales": sales, "rows": rows, "clients_created": report.clients_created,
                "import_seconds": round(imported, 2), "import_rows_per_s": round(rows / imported),
                "recalculated_sales": outcome.sales, "points_added": outcome.points_added,
                "recalculate_seconds": round(recalculated, 2),
                "recalculate_sales_per_s": round(outcome.sales / recalculated) if recalculated else None,
                "import_memory_growth_kb": after_import - baseline, "memory_growth_kb": peak - baseline,
                "python_heap_peak_kb": heap_peak // 1024 if heap_peak is not None else None}
    finally:
        drop(url)


def run(kind: str, sales: int, traced: bool) -> dict:
    """child() in a fresh process (a peak of memory is per process); its progress bars show on stderr."""
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(sales)] + (["--tracemalloc"] * traced),
                          stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scales", default="10000,100000", help="sales per run, comma-separated (small first)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also the Python heap's peak (tracemalloc), and judge by it")
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "SALES"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(child(arguments.child[0], int(arguments.child[1]), arguments.tracemalloc)))
        return 0
    kinds = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    if "postgresql" in kinds and not postgres_reachable():
        print("PostgreSQL at 127.0.0.1:5432 does not answer: SQLite only.", file=sys.stderr)
        kinds.remove("postgresql")
    scales = [int(scale) for scale in arguments.scales.split(",")]
    results, ok = [], True
    for kind in kinds:
        figures = [run(kind, sales, arguments.tracemalloc) for sales in scales]
        results.extend(figures)
        for figure in figures:
            print(f"{kind:10} {figure['sales']:>7,} sales ({figure['rows']:,} rows): import {figure['import_seconds']} s,"
                  f" {figure['import_rows_per_s']:,} rows/s; recalculation of {figure['recalculated_sales']:,} sales"
                  f" {figure['recalculate_seconds']} s, {figure['recalculate_sales_per_s']:,} sales/s;"
                  f" peak memory +{figure['memory_growth_kb'] / 1024:.1f} MB"
                  + (f", Python heap peak {figure['python_heap_peak_kb'] / 1024:.1f} MB" if arguments.tracemalloc else ""))
        if len(figures) > 1:
            small, large = figures[0], figures[-1]
            measure = "python_heap_peak_kb" if arguments.tracemalloc else "memory_growth_kb"
            ratio = max(large[measure], 1) / max(small[measure], 1024)
            passed = ratio <= 2
            ok = ok and passed
            what = "Python heap peak" if arguments.tracemalloc else "peak memory growth (ru_maxrss)"
            print(f"{kind:10} {what} of {large['sales']:,} against {small['sales']:,} sales: {ratio:.2f}"
                  f" {'PASS' if passed else 'MISS'} (goal ≤ 2)")
    print(json.dumps(results))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
