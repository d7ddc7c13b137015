"""Milestone mode (PRODUCT §2): points are never spent; when a client's lifetime points cross a reward's
`points_cost`, that reward is issued once as a single-use code of six capital letters.

A code IS a RewardGrant with source "milestone": services/grants.py holds it on a sale, the payment uses it
and a refund gives it back (0 points each time), exactly as for a reward a manager granted.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from pos_loyalty.core import milestones as rules
from pos_loyalty.core.errors import Conflict, Forbidden, NotFound
from pos_loyalty.core.messages import say
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, LedgerEntry, PointsAccount, Redemption, RewardGrant
from pos_loyalty.services import audit, ledger
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import SalonTime, current_program, salon_time
from pos_loyalty.services.lifetime import distributed_points
from pos_loyalty.services.lifetime import lifetime_points as _lifetime_points
from pos_loyalty.services.program import get_reward, list_rewards
from pos_loyalty.services.transaction import transaction
from pos_loyalty.translatable import N_

SOURCE = "milestone"
CODE_ATTEMPTS = 20
BATCH = 200
# What a client sees of a code: a grant available or held on an open sale is still theirs to use.
CODE_STATUS = {"available": "issued", "held": "issued", "used": "used", "void": "void"}


def in_milestone_mode() -> bool:
    return current_program().reward_mode == "milestone"


def lifetime_points(client_id: int) -> int:
    """Every credit the client received minus what reversed one (the ranking's definition)."""
    return _lifetime_points(client_id)


def find_code(code: str | None) -> RewardGrant | None:
    """The milestone code a cashier typed, whatever its case or spaces."""
    normal = rules.normalise_code(code)
    if normal is None:
        return None
    return db.session.scalars(select(RewardGrant).where(RewardGrant.code == normal)).first()


def _issued_reward_ids(client_id: int) -> set[int]:
    # A void code counts as issued: a reward is issued once, a manager's void does not re-arm it.
    return set(db.session.scalars(select(RewardGrant.reward_id).where(RewardGrant.client_id == client_id,
                                                                      RewardGrant.source == SOURCE)))


def _code_taken(code: str) -> bool:
    return db.session.scalar(select(exists().where(RewardGrant.code == code)))


def _add_grant_with_code(fields: dict) -> RewardGrant:
    """Insert the grant with a fresh code; another transaction taking the same code at the same moment is
    a unique clash: that attempt's savepoint is rolled back and another code drawn."""
    db.session.flush()  # what the caller wrote stays outside the savepoint below
    for _ in range(CODE_ATTEMPTS):
        code = rules.new_code()
        if _code_taken(code):
            continue
        try:
            with db.session.begin_nested():
                grant = RewardGrant(**fields, code=code)
                db.session.add(grant)
                db.session.flush()
            return grant
        except IntegrityError:
            continue
    raise Conflict("No free code could be drawn; try again.", code="code_exhausted")  # pragma: no cover


def _issue(client: Client, account: PointsAccount, reward, clock: SalonTime, *, reason: str, sale_id: int | None,
           staff: str, salon_id: int) -> RewardGrant:
    grant = _add_grant_with_code(dict(
        client_id=client.id, reward_id=reward.id, name=reward.name, kind=reward.kind, value=reward.value,
        reason=reason[:250], granted_by=staff, granted_at=clock.now, status="available", source=SOURCE,
        issued_sale_id=sale_id))
    ledger.record_event(account, at=clock.now, kind="adjust",
                        description=say(clock.salon.locale, N_("Reward unlocked: %(name)s (code %(code)s)"),
                                        name=reward.name, code=grant.code),
                        reward_id=reward.id, sale_id=sale_id, rule_version=current_program().version,
                        salon_id=salon_id, staff=staff)
    _tell_client(client, grant, clock)
    return grant


def _tell_client(client: Client, grant: RewardGrant, clock: SalonTime) -> None:
    """The client's e-mail (the outbox, same transaction; sent only with their consent)."""
    try:
        from pos_loyalty.services.mail_notices import reward_unlocked
    except ImportError:  # only until the outbox's session lands mail_notices.py
        return
    reward_unlocked(client, grant, clock)


def issue_crossed(client_id: int, account: PointsAccount, clock: SalonTime, *, before: int, after: int,
                  sale_id: int | None, staff: str, salon_id: int) -> list[RewardGrant]:
    """Issue every active reward whose cost the client's lifetime points crossed from `before` to `after`.

    Called inside the caller's transaction, the account locked, after its credits. Nothing in redeem mode
    or while the programme is disabled."""
    program = current_program()
    if program.reward_mode != "milestone" or not program.enabled or after <= before:
        return []
    rewards = {reward.id: reward for reward in list_rewards(active_only=True)}
    thresholds = [rules.Threshold(reward.id, reward.points_cost) for reward in rewards.values()]
    due = rules.crossed(thresholds, before, after, _issued_reward_ids(client_id))
    if not due:
        return []
    client = db.session.get(Client, client_id)
    reason = say(clock.salon.locale, N_("Lifetime points reached %(points)s"), points=after)
    return [_issue(client, account, rewards[reward_id], clock, reason=reason, sale_id=sale_id, staff=staff,
                   salon_id=salon_id) for reward_id in due]


def code_as_dict(grant: RewardGrant, used_sale_id: int | None = None) -> dict:
    return {"code": grant.code, "reward_id": grant.reward_id, "name": grant.name, "kind": grant.kind,
            "value": grant.value, "status": CODE_STATUS.get(grant.status, grant.status),
            "issued_at": grant.granted_at, "grant_id": grant.id, "issued_sale_id": grant.issued_sale_id,
            "used_sale_id": used_sale_id, "voided_at": grant.voided_at, "voided_by": grant.voided_by}


def client_codes(client_id: int) -> list[dict]:
    """The client's milestone codes, newest first."""
    rows = db.session.execute(
        select(RewardGrant, Redemption.sale_id)
        .outerjoin(Redemption, Redemption.id == RewardGrant.redemption_id)
        .where(RewardGrant.client_id == client_id, RewardGrant.source == SOURCE)
        .order_by(RewardGrant.granted_at.desc(), RewardGrant.id.desc()))
    return [code_as_dict(grant, sale_id if grant.status in ("held", "used") else None) for grant, sale_id in rows]


def usable_codes(client_id: int) -> list[RewardGrant]:
    """Codes the client can use now (not held on an open sale, not used, not void)."""
    return list(db.session.scalars(select(RewardGrant).where(
        RewardGrant.client_id == client_id, RewardGrant.source == SOURCE, RewardGrant.status == "available")
        .order_by(RewardGrant.id)))


def codes_of_sale(sale_id: int, client_id: int | None) -> list[RewardGrant]:
    """The codes a sale's payment issued to its client (its receipt prints them; a referrer's code that the
    same payment issued is the referrer's, not on this receipt)."""
    if client_id is None:
        return []
    return list(db.session.scalars(select(RewardGrant).where(RewardGrant.issued_sale_id == sale_id,
                                                             RewardGrant.client_id == client_id,
                                                             RewardGrant.source == SOURCE)
                                   .order_by(RewardGrant.id)))


# --- a manager's prompt: clients already past a threshold -------------------------------------------------
def _past_query(reward_id: int | None, points_cost: int):
    lifetime = (select(PointsAccount.client_id.label("client_id"),
                       func.sum(distributed_points()).label("lifetime"))
                .join(LedgerEntry, LedgerEntry.account_id == PointsAccount.id)
                .group_by(PointsAccount.client_id).subquery("lifetime"))
    query = (select(Client.id).join(lifetime, lifetime.c.client_id == Client.id)
             .where(Client.erased_at.is_(None), lifetime.c.lifetime >= points_cost))
    if reward_id is not None:
        query = query.where(~exists().where(RewardGrant.client_id == Client.id, RewardGrant.reward_id == reward_id,
                                            RewardGrant.source == SOURCE))
    return query


def clients_past(reward_id: int | None = None, points_cost: int | None = None) -> int:
    """How many clients (not erased) have lifetime points at or above the cost and no code for the reward
    yet: what the manager is asked about when adding a reward or lowering its threshold. `points_cost`
    previews a threshold not saved yet; without it, the reward's own."""
    if points_cost is None:
        if reward_id is None:
            raise ValueError("clients_past needs a reward or a points cost")
        points_cost = get_reward(reward_id).points_cost
    return int(db.session.scalar(select(func.count()).select_from(_past_query(reward_id, points_cost).subquery())))


def _past_batches(reward_id: int, points_cost: int) -> Iterator[list[int]]:
    after = 0
    while True:
        ids = list(db.session.scalars(_past_query(reward_id, points_cost).where(Client.id > after)
                                      .order_by(Client.id).limit(BATCH)))
        if not ids:
            return
        yield ids
        after = ids[-1]


def issue_to_clients_past(actor: Actor, reward_id: int) -> int:
    """The manager said yes: every client already past the reward's threshold receives its code now (one
    transaction per batch of clients). Returns how many codes were issued."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can issue rewards to clients.")
    with transaction():
        reward = get_reward(reward_id)
        if not in_milestone_mode():
            raise Conflict("Codes are issued in milestone mode only.", code="not_milestone_mode")
        if not reward.active:
            raise Conflict(f"The reward “{reward.name}” is not offered at the moment.", code="reward_inactive")
        if not current_program().enabled:
            raise Conflict("The loyalty program is disabled.", code="program_disabled")
        cost = reward.points_cost
    issued = 0
    for ids in _past_batches(reward_id, cost):
        with transaction():
            reward = get_reward(reward_id)
            clock = salon_time(actor.salon_id)
            accounts = ledger.lock_accounts(ids)
            reason = say(clock.salon.locale, N_("Given by %(staff)s: lifetime points already past %(points)s"),
                         staff=actor.name, points=cost)
            given = []
            for client_id in ids:
                if reward.id in _issued_reward_ids(client_id):  # another batch or a payment was first
                    continue
                client = db.session.get(Client, client_id)
                grant = _issue(client, accounts[client_id], reward, clock, reason=reason, sale_id=None,
                               staff=actor.name, salon_id=actor.salon_id)
                given.append(grant.id)
            issued += len(given)
    with transaction():  # one line in the audit trail for the manager's one answer
        audit.record(actor, "grant.issue_past", f"reward {reward_id}", None,
                     {"reward_id": reward_id, "name": get_reward(reward_id).name, "points_cost": cost,
                      "issued": issued})
    return issued


# --- void --------------------------------------------------------------------------------------------------
def void_code(actor: Actor, grant_id: int | None = None, code: str | None = None,
              client_id: int | None = None) -> RewardGrant:
    """A manager voids a code (by grant id or by its letters): it can no longer be used. A code held on an
    open sale, used or void already is a 409; a code of another client (when `client_id` is given), a 404."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can void a code.")
    with transaction():
        grant = (db.session.get(RewardGrant, grant_id, with_for_update=True, populate_existing=True)
                 if grant_id is not None else find_code(code))
        if grant is not None and grant_id is None:
            grant = db.session.get(RewardGrant, grant.id, with_for_update=True, populate_existing=True)
        if grant is None or grant.source != SOURCE or (client_id is not None and grant.client_id != client_id):
            raise NotFound(f"No code {code or grant_id}.", code="code_not_found")
        if grant.status == "held":
            raise Conflict(f"Code {grant.code} is on an open sale: take it off the sale first.", code="code_held")
        if grant.status == "used":
            raise Conflict(f"Code {grant.code} was used already.", code="code_used")
        if grant.status == "void":
            raise Conflict(f"Code {grant.code} is void already.", code="code_void")
        clock = salon_time(actor.salon_id)
        account = ledger.lock_account(grant.client_id)
        grant.status, grant.voided_at, grant.voided_by = "void", clock.now, actor.name
        ledger.record_event(account, at=clock.now, kind="adjust",
                            description=say(clock.salon.locale, N_("Code voided: %(code)s (%(name)s)"),
                                            code=grant.code, name=grant.name),
                            reward_id=grant.reward_id, rule_version=current_program().version,
                            salon_id=actor.salon_id, staff=actor.name)
        audit.record(actor, "grant.void", f"client {grant.client_id}", {"code": grant.code, "status": "issued"},
                     {"code": grant.code, "status": "void"})
        db.session.flush()
        return grant


# --- for the paths that credit points (payment, referral by hand, adjustment, recalculation) ---------------
def lifetimes_before(client_ids) -> dict[int, int] | None:
    """The lifetime points of these clients before the caller credits them; None when nothing can be issued
    (redeem mode, programme disabled): the caller then pays for no query."""
    program = current_program()
    if program.reward_mode != "milestone" or not program.enabled:
        return None
    return {client_id: lifetime_points(client_id) for client_id in dict.fromkeys(client_ids)}


def issue_after_credits(before: dict[int, int] | None, credited: dict[int, int], accounts: dict, clock: SalonTime,
                        *, sale_id: int | None, staff: str, salon_id: int) -> list[RewardGrant]:
    """After the credits (`credited`: points per client id), issue what each client's lifetime crossed."""
    if before is None:
        return []
    issued = []
    for client_id, points in credited.items():
        if points > 0 and client_id in before:
            issued += issue_crossed(client_id, accounts[client_id], clock, before=before[client_id],
                                    after=before[client_id] + points, sale_id=sale_id, staff=staff,
                                    salon_id=salon_id)
    return issued
