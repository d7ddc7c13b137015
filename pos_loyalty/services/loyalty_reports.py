"""The loyalty ranking and its figures for managers, and every client as CSV rows.

What is counted, and whose it is: clients, their points and the rewards catalogue are the chain's, so these
figures are the chain's too (every salon's manager sees the same ranking); the acting salon only gives the
calendar (its time zone for "today", the months and the next 30 days).

- A client's **lifetime points**: every credit the client received (spend, service and category points,
  bonuses, welcome and referral bonuses, points added by hand) minus what reversed a credit (a refunded
  sale's points taken back, points removed by hand, automatic points reset or recalculated away). Points
  spent on a reward, points that expired and a refunded sale's redeemed points coming back are neither.
- **Points distributed**: the sum of every client's lifetime points.
- **Active member**: a client whose balance is positive today or who has a paid sale (in any salon of the
  chain) within the last 12 months.
- **Referrals**: clients who have a referrer (given at sign-up, or added by hand).
- **Rewards redeemed**: rewards whose redemption became final at a paid sale (its points deducted, or a
  granted reward used); a reward still held on an open sale, released, or returned by a refund is not
  counted, nor a granted reward not yet used.
- A client's **balance** is the one the loyalty summary answers: the account's balance (equal to the
  ledger) less the points past their expiry date that the nightly sweep has not written off yet.
- A client's **last visit**: their last paid sale, in any salon of the chain.

Erased clients count in the totals but are never shown by name: they are left out of the top 3, the ranking
and the CSV rows. Every figure is a set-based query (GROUP BY, window functions); nothing is read per client.
"""
from __future__ import annotations

import base64
import calendar
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, bindparam, case, func, or_, select

from pos_loyalty.core.errors import Invalid
from pos_loyalty.core.referral import fold
from pos_loyalty.extensions import db
from pos_loyalty.models import LOT_IS_OPEN, Client, LedgerEntry, PointsAccount, PointsLot, Redemption, Reward, Sale
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import salon_time
# The credits and their reversals (see the module's docstring): one definition, shared with milestone mode.
from pos_loyalty.services.lifetime import NOT_DISTRIBUTED_KINDS
from pos_loyalty.services.lifetime import distributed_points as _distributed_points
from pos_loyalty.services.transaction import transaction

TOP = 3
POPULAR_REWARDS = 5
MONTHS = 12
EXPIRY_WINDOW_DAYS = 30
CSV_BATCH = 500



# --- per client, as subqueries grouped by client (each restricted to a range of ids when given) -----------
def _within(column, ids):
    """`ids`: (after, last) — the clients whose id is above `after` and at most `last`."""
    return and_(column > ids[0], column <= ids[1])


def _lifetime(ids=None):
    query = (select(PointsAccount.client_id.label("client_id"),
                    func.sum(_distributed_points()).label("lifetime"))
             .join(LedgerEntry, LedgerEntry.account_id == PointsAccount.id)
             .group_by(PointsAccount.client_id))
    if ids is not None:
        query = query.where(_within(PointsAccount.client_id, ids))
    return query.subquery("lifetime")


def _redeemed(ids=None):
    query = (select(PointsAccount.client_id.label("client_id"), func.count(Redemption.id).label("redeemed"))
             .join(Redemption, Redemption.account_id == PointsAccount.id)
             .where(Redemption.status == "deducted").group_by(PointsAccount.client_id))
    if ids is not None:
        query = query.where(_within(PointsAccount.client_id, ids))
    return query.subquery("redeemed")


def _referrals(ids=None):
    referred = Client.__table__.alias("referred")
    query = (select(referred.c.referrer_id.label("client_id"), func.count(referred.c.id).label("referrals"))
             .where(referred.c.referrer_id.is_not(None)).group_by(referred.c.referrer_id))
    if ids is not None:
        query = query.where(_within(referred.c.referrer_id, ids))
    return query.subquery("referrals")


def _visits(ids=None):
    query = (select(Sale.client_id.label("client_id"), func.max(Sale.paid_at).label("last_visit"))
             .where(Sale.client_id.is_not(None), Sale.paid_at.is_not(None)).group_by(Sale.client_id))
    if ids is not None:
        query = query.where(_within(Sale.client_id, ids))
    return query.subquery("visits")


def _expired_unswept(today: date, ids=None):
    query = (select(PointsAccount.client_id.label("client_id"), func.sum(PointsLot.remaining).label("expired"))
             .join(PointsLot, PointsLot.account_id == PointsAccount.id)
             .where(LOT_IS_OPEN, PointsLot.expires_on < today).group_by(PointsAccount.client_id))
    if ids is not None:
        query = query.where(_within(PointsAccount.client_id, ids))
    return query.subquery("expired")


def _client_figures(today: date, ids=None):
    """(select, columns) of every client with balance, lifetime points, rewards, referrals and last visit."""
    lifetime, redeemed, referrals = _lifetime(ids), _redeemed(ids), _referrals(ids)
    visits, expired = _visits(ids), _expired_unswept(today, ids)
    columns = {
        "lifetime_points": func.coalesce(lifetime.c.lifetime, 0),
        "balance": func.coalesce(PointsAccount.balance, 0) - func.coalesce(expired.c.expired, 0),
        "rewards_redeemed": func.coalesce(redeemed.c.redeemed, 0),
        "referrals": func.coalesce(referrals.c.referrals, 0),
        "last_visit": visits.c.last_visit,
    }
    joined = (Client.__table__
              .outerjoin(PointsAccount, PointsAccount.client_id == Client.id)
              .outerjoin(lifetime, lifetime.c.client_id == Client.id)
              .outerjoin(redeemed, redeemed.c.client_id == Client.id)
              .outerjoin(referrals, referrals.c.client_id == Client.id)
              .outerjoin(visits, visits.c.client_id == Client.id)
              .outerjoin(expired, expired.c.client_id == Client.id))
    return joined, columns


# --- the ranking -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankingFilters:
    min_points: int | None = None  # lifetime points at least
    has_referrals: bool | None = None  # True: referred someone; False: nobody
    has_rewards: bool | None = None  # True: redeemed a reward at least once; False: never
    q: str | None = None  # words of the name, e-mail, phone or referral code; accents and case ignored


def encode_rank_cursor(rank: int) -> str:
    return base64.urlsafe_b64encode(f"r{rank}".encode()).decode().rstrip("=")


def decode_rank_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("r"):
            raise ValueError
        rank = int(raw[1:])
        if rank < 0:
            raise ValueError
        return rank
    except (ValueError, UnicodeDecodeError):
        raise Invalid("The cursor is not one this API gave.", code="bad_cursor",
                      details={"cursor": ["Unknown cursor."]}) from None


def _ranked(today: date):
    """Every client not erased with their figures and rank: lifetime points first, ties by name (accents and
    case folded, first name first) then id."""
    joined, columns = _client_figures(today)
    order = (columns["lifetime_points"].desc(), Client.search_text, Client.id)
    return (select(Client.id.label("id"), Client.first_name, Client.last_name, Client.search_text,
                   *(column.label(name) for name, column in columns.items()),
                   func.row_number().over(order_by=order).label("rank"))
            .select_from(joined).where(Client.erased_at.is_(None))).subquery("ranked")


def ranking_page(actor: Actor, filters: RankingFilters, cursor: str | None = None,
                 limit: int = 50) -> tuple[list[dict], str | None]:
    """One page of the ranking, best first (keyset on the rank: the cursor says where the page before ended).
    A client's rank is their place among all clients, whatever the filters."""
    after = decode_rank_cursor(cursor) if cursor else 0
    clock = salon_time(actor.salon_id)
    today, zone = clock.today, ZoneInfo(clock.zone)
    ranked = _ranked(today)
    query = select(ranked).where(ranked.c.rank > after)
    if filters.min_points is not None:
        query = query.where(ranked.c.lifetime_points >= filters.min_points)
    if filters.has_referrals is not None:
        query = query.where(ranked.c.referrals > 0 if filters.has_referrals else ranked.c.referrals == 0)
    if filters.has_rewards is not None:
        query = query.where(ranked.c.rewards_redeemed > 0 if filters.has_rewards else ranked.c.rewards_redeemed == 0)
    for word in fold(filters.q or "").split()[:5]:
        query = query.where(ranked.c.search_text.contains(word, autoescape=True))
    rows = db.session.execute(query.order_by(ranked.c.rank).limit(limit + 1)).mappings().all()
    items = [_ranking_item(row, zone) for row in rows[:limit]]
    following = encode_rank_cursor(items[-1]["rank"]) if len(rows) > limit else None
    return items, following


def _ranking_item(row, zone: ZoneInfo) -> dict:
    """One client of the ranking; the last visit in the salon's time zone, as the ledger gives its times."""
    last_visit = row["last_visit"]
    return {"rank": int(row["rank"]), "client_id": row["id"], "first_name": row["first_name"],
            "last_name": row["last_name"], "name": f"{row['first_name']} {row['last_name']}",
            "balance": int(row["balance"]), "lifetime_points": int(row["lifetime_points"]),
            "referrals": int(row["referrals"]), "rewards_redeemed": int(row["rewards_redeemed"]),
            "last_visit": last_visit.astimezone(zone) if last_visit else None}


# --- the figures -------------------------------------------------------------------------------------------
def _month_starts(today: date, zone: ZoneInfo) -> list[tuple[date, datetime]]:
    """The first day of each of the last 12 months (this one last) and its start in the salon's zone, plus
    the start of next month."""
    year, month = today.year, today.month
    firsts = []
    for back in range(MONTHS - 1, -2, -1):
        index = year * 12 + (month - 1) - back
        first = date(index // 12, index % 12 + 1, 1)
        firsts.append((first, datetime.combine(first, time.min, zone)))
    return firsts


def _months(today: date, zone: ZoneInfo) -> list[dict]:
    """Points earned (credits, before any reversal) and redeemed (deducted for rewards) per month, one query."""
    bounds = _month_starts(today, zone)
    credit = and_(LedgerEntry.points > 0, LedgerEntry.kind.not_in(NOT_DISTRIBUTED_KINDS), LedgerEntry.kind != "refund")
    redeem = LedgerEntry.kind == "redeem"
    sums = []
    for (_first, start), (_next, end) in zip(bounds, bounds[1:]):
        inside = and_(LedgerEntry.at >= start, LedgerEntry.at < end)
        sums.append(func.coalesce(func.sum(case((and_(inside, credit), LedgerEntry.points), else_=0)), 0))
        sums.append(func.coalesce(func.sum(case((and_(inside, redeem), -LedgerEntry.points), else_=0)), 0))
    row = db.session.execute(select(*sums).where(LedgerEntry.at >= bounds[0][1], LedgerEntry.at < bounds[-1][1])).one()
    return [{"month": f"{first.year:04d}-{first.month:02d}", "first_day": first,
             "earned": int(row[2 * index]), "redeemed": int(row[2 * index + 1])}
            for index, (first, _start) in enumerate(bounds[:-1])]


def loyalty_figures(actor: Actor) -> dict:
    """GET /reports/loyalty: the chain's figures as of the acting salon's today (see the module's docstring)."""
    clock = salon_time(actor.salon_id)
    today, zone = clock.today, ZoneInfo(clock.zone)
    joined, columns = _client_figures(today)
    a_year_ago = datetime.combine(_years_before(today, 1), time.min, zone)
    active = or_(columns["balance"] > 0, columns["last_visit"] >= a_year_ago)
    totals = db.session.execute(
        select(func.coalesce(func.sum(case((active, 1), else_=0)), 0),
               func.coalesce(func.sum(columns["lifetime_points"]), 0),
               func.coalesce(func.sum(case((Client.referrer_id.is_not(None), 1), else_=0)), 0),
               func.count(Client.id))
        .select_from(joined)).one()
    rewards_redeemed = db.session.scalar(select(func.count(Redemption.id)).where(Redemption.status == "deducted"))
    popular = db.session.execute(
        select(Redemption.reward_id, func.max(Reward.name).label("name"), func.count(Redemption.id).label("times"),
               func.sum(Redemption.points_cost).label("points"))
        .join(Reward, Reward.id == Redemption.reward_id)
        .where(Redemption.status == "deducted")
        .group_by(Redemption.reward_id)
        .order_by(func.count(Redemption.id).desc(), func.max(Reward.name), Redemption.reward_id)
        .limit(POPULAR_REWARDS)).all()
    last_day = today + timedelta(days=EXPIRY_WINDOW_DAYS)
    expiring = db.session.execute(
        select(func.coalesce(func.sum(PointsLot.remaining), 0), func.count(func.distinct(PointsLot.account_id)))
        .where(LOT_IS_OPEN, PointsLot.expires_on >= today, PointsLot.expires_on <= last_day)).one()
    top, _following = ranking_page(actor, RankingFilters(), None, TOP)
    return {"active_members": int(totals[0]), "points_distributed": int(totals[1]), "referrals": int(totals[2]),
            "rewards_redeemed": int(rewards_redeemed or 0), "top": top,
            "popular_rewards": [{"reward_id": row.reward_id, "name": row.name, "times": int(row.times),
                                 "points": int(row.points or 0)} for row in popular],
            "points_expiring_30_days": int(expiring[0]),
            "clients_with_points_expiring_30_days": int(expiring[1]),
            "expiring_until": last_day, "clients": int(totals[3]), "as_of": today,
            "months": _months(today, zone)}


def _years_before(day: date, years: int) -> date:
    year = day.year - years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


# --- every client as CSV rows ------------------------------------------------------------------------------
CSV_COLUMNS = ("id", "first_name", "last_name", "email", "phone", "referral_code", "balance", "lifetime_points",
               "rewards_redeemed", "referrals", "last_visit")


def client_export_rows(actor: Actor, batch: int = CSV_BATCH) -> Iterator[list]:
    """Every client not erased, by id, one batch of `batch` clients per query round (keyset on the id): the
    memory stays that of one batch whatever the number of clients. Yields the header, then one list per
    client (last visit as the date in the salon's time zone)."""
    clock = salon_time(actor.salon_id)
    today, zone = clock.today, ZoneInfo(clock.zone)
    yield list(CSV_COLUMNS)
    # Both statements are built once and run per batch with the batch's bounds: nothing grows per batch.
    span = (bindparam("after", type_=Integer), bindparam("last", type_=Integer))
    next_ids = (select(Client.id).where(Client.id > span[0], Client.erased_at.is_(None))
                .order_by(Client.id).limit(batch))
    joined, columns = _client_figures(today, span)
    figures = (select(Client.id, Client.first_name, Client.last_name, Client.email, Client.phone,
                      Client.referral_code, *(columns[name] for name in CSV_COLUMNS[6:]))
               .select_from(joined).where(_within(Client.id, span), Client.erased_at.is_(None)).order_by(Client.id))
    after = 0
    while True:
        ids = db.session.scalars(next_ids, {"after": after}).all()
        if not ids:
            return
        for row in db.session.execute(figures, {"after": after, "last": ids[-1]}):
            last_visit = row[-1]
            yield [*row[:-1], last_visit.astimezone(zone).date().isoformat() if last_visit else ""]
        after = ids[-1]
        if len(ids) < batch:
            return


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def spreadsheet_safe(value) -> str:
    """A text cell a spreadsheet would run as a formula (=, +, -, @) starts with an apostrophe instead."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """The rows as CSV text, one chunk per 200 rows (BOM first, so that spreadsheets read UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", lineterminator="\r\n")
    buffer.write(BOM)
    for count, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_safe(value) for value in row])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def export_clients(actor: Actor) -> tuple[str, Iterator[str]]:
    """GET /reports/clients.csv and the Export CSV buttons: the file's name and its text, a chunk at a time.
    Every client's e-mail and phone leave the system in it: the audit trail records who took the file."""
    filename = f"clients-{salon_time(actor.salon_id).today.isoformat()}.csv"
    with transaction():
        audit.record(actor, "client.export_all", "", None, {"file": filename})
    return filename, csv_chunks(client_export_rows(actor))
