"""What every use case reads first: the program version in force, the salon's clock and formats."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_currency
from sqlalchemy import func, select

from pos_loyalty.core.errors import NotFound
from pos_loyalty.core.program import EarningRule, ProgramTerms
from pos_loyalty.extensions import db
from pos_loyalty.models import EarningRuleRow, ProgramVersion, Salon
from pos_loyalty.runtime import runtime
from pos_loyalty.services.transaction import use_case_cache


@dataclass(frozen=True)
class SalonTime:
    salon: Salon
    now: datetime  # aware, UTC
    local: datetime  # aware, salon time zone

    @property
    def today(self) -> date:
        return self.local.date()

    @property
    def zone(self) -> str:
        return self.salon.timezone


def salon_time(salon_id: int) -> SalonTime:
    salon = db.session.get(Salon, salon_id)
    if salon is None:
        raise NotFound(f"Salon {salon_id} does not exist.", code="salon_not_found")
    now = runtime().now()
    return SalonTime(salon=salon, now=now, local=now.astimezone(ZoneInfo(salon.timezone)))


def newest_version_number():
    """The number of the program version in force, as a subquery: the API token's read joins it (and the
    salon, and the till) so that a request's first round trip brings what every use case reads first."""
    return select(func.max(ProgramVersion.version)).scalar_subquery()


def hold_for_request(salon: Salon | None, till, version: ProgramVersion | None) -> None:
    """Keep what the token's read brought for the rest of the request (the session's life): salon_time,
    current_program and the sale's till then find them in the identity map, which holds objects weakly."""
    db.session.info["held_for_request"] = (salon, till, version)
    if version is not None:
        db.session.info["program_version"] = version.version
        db.session.info["program_version_held"] = version


def current_program() -> ProgramVersion:
    # Versions are append-only: the newest one already in this session's identity map is only stale if a
    # new version was added, which new_version() signals by clearing the cached id.
    # The version is also held here: the identity map holds it weakly, and outside a use case (a GET) each
    # of a request's several reads would select it again once the previous reader dropped it.
    cached = db.session.info.get("program_version")
    held = db.session.info.get("program_version_held")
    # The held object itself while it is loaded and in this session (a use case asks several times).
    if cached is not None and held is not None and held.__dict__.get("version") == cached and held in db.session:
        return held
    if cached is not None:
        version = db.session.get(ProgramVersion, cached)
        if version is not None:
            db.session.info["program_version_held"] = version
            return version
    version = db.session.scalars(select(ProgramVersion).order_by(ProgramVersion.version.desc()).limit(1)).first()
    if version is not None:
        db.session.info["program_version"] = version.version
        db.session.info["program_version_held"] = version
    if version is None:
        raise NotFound("The loyalty program is not set up: run `pos-loyalty db upgrade`.", code="no_program")
    return version


def terms_of(version: ProgramVersion) -> ProgramTerms:
    return ProgramTerms(
        version=version.version, enabled=version.enabled, currency=version.currency,
        points_per_unit=Decimal(version.points_per_unit), rounding=version.rounding,
        validity_months=version.validity_months, products_earn=version.products_earn,
        discounted_sales_earn=version.discounted_sales_earn, subscribers_earn=version.subscribers_earn,
        referrer_bonus=version.referrer_bonus, welcome_bonus=version.welcome_bonus,
        allow_stacking=version.allow_stacking, catalogue_only=version.catalogue_only,
        reward_mode=version.reward_mode or "redeem", referral_thanks_email=bool(version.referral_thanks_email),
    )


def current_terms() -> ProgramTerms:
    # A version never changes once written (append-only): its terms are built once per session and version.
    version = current_program()
    cached = db.session.info.get("program_terms")
    if cached is None or cached[0] is not version:
        cached = db.session.info["program_terms"] = (version, terms_of(version))
    return cached[1]


# Every change to a rule makes a new program version (services/program.py), so the rules in force under a
# version never change: they are read once per process and version. Keyed by database too (tests, backups).
_rules_by_version: dict[tuple[str, int], tuple[EarningRule, ...]] = {}


def active_rules() -> tuple[EarningRule, ...]:
    version = current_program().version
    key = (str(db.engine.url), version)
    rules = _rules_by_version.get(key)
    uncommitted = (use_case_cache() or {}).get("uncommitted_program_version") == version
    if rules is None or uncommitted:
        rows = db.session.scalars(
            select(EarningRuleRow).where(EarningRuleRow.active.is_(True), EarningRuleRow.deleted_at.is_(None))
            .order_by(EarningRuleRow.id)
        )
        rules = tuple(EarningRule(id=row.id, kind=row.kind, params=dict(row.params)) for row in rows)
        if uncommitted:
            return rules
        if len(_rules_by_version) > 1000:  # versions only grow: drop the old ones now and then
            _rules_by_version.clear()
        _rules_by_version[key] = rules
    return rules


def money_formatter(currency: str, locale: str):
    def format_money(amount: Decimal) -> str:
        return format_currency(amount, currency, locale=locale)

    return format_money
