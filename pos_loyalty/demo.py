"""`pos-loyalty demo`: a believable Paris salon with a year of history, made by the real services.

The history is a scenario of sales, rewards, refunds and adjustments played while a frozen clock walks
through the year, so every ledger entry, lot, expiry and balance is what the product itself computes. It is
played on the batched till of demo_tills.py (a transaction a month, a few seconds for the year); the
till that calls the use cases one by one writes the same rows (`reference=True`, some forty seconds).
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from pos_loyalty.clock import FrozenClock
from pos_loyalty.core.referral import fold
from pos_loyalty.demo_tills import BatchTill, UseCaseTill
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, Salon, Staff
from pos_loyalty.runtime import runtime
from pos_loyalty.services import catalogue, clients, grants, program
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.setup import ensure_salon
from pos_loyalty.services.staff import add_staff, create_token
from pos_loyalty.services.transaction import transaction

SERVICES = [  # code, name, category, price
    ("CF", "Coupe femme", "cut", "42.00"), ("CH", "Coupe homme", "cut", "26.00"),
    ("CE", "Coupe enfant", "cut", "18.00"), ("BR", "Brushing", "cut", "30.00"),
    ("CHIG", "Chignon de mariée", "cut", "85.00"), ("COUL", "Couleur racines", "colour", "55.00"),
    ("BAL", "Balayage", "colour", "120.00"), ("MECH", "Mèches", "colour", "95.00"),
    ("GLOSS", "Gloss", "colour", "35.00"), ("DECO", "Décoloration", "colour", "80.00"),
    ("SK", "Soin kératine", "care", "150.00"), ("SP", "Soin profond", "care", "28.00"),
    ("MASS", "Massage crânien", "care", "20.00"), ("LISS", "Lissage brésilien", "care", "180.00"),
    ("MANU", "Manucure", "nails", "25.00"), ("PVSP", "Pose vernis semi-permanent", "nails", "35.00"),
    ("PEDI", "Pédicure", "nails", "38.00"), ("DEPO", "Dépose semi-permanent", "nails", "15.00"),
    ("GEL", "Pose gel", "nails", "55.00"), ("NA", "Nail art (par ongle)", "nails", "3.00"),
]
PRODUCTS = [
    ("SHAMP", "Shampooing réparateur 250 ml", "retail", "18.90"), ("MASQ", "Masque nutrition 200 ml", "retail",
                                                                    "24.50"),
    ("HUILE", "Huile sublimatrice", "retail", "29.00"), ("SPRAY", "Spray thermoprotecteur", "retail", "16.00"),
    ("VERN", "Vernis à ongles", "retail", "12.00"),
]
CATEGORY_NAMES = {"cut": "Coupe & coiffage", "colour": "Couleur", "care": "Soins", "nails": "Ongles",
                  "retail": "Produits"}
FIRST_NAMES = ["Hélène", "Zoé", "Françoise", "Jérôme", "Camille", "Léa", "Chloé", "Inès", "Manon", "Sarah",
               "Julie", "Émilie", "Anaïs", "Clémence", "Noémie", "Océane", "Mathilde", "Pauline", "Lucie",
               "Agnès", "Thomas", "Nicolas", "Hugo", "Élodie", "Céline", "Maëlle", "Amélie", "Valérie", "Sophie",
               "Paul"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupré", "Faure", "Rousseau", "Blanc", "Guérin"]
CLIENTS = 50
SEED = 2026
VALIDITY_MONTHS = 12


Progress = Callable[[int, int], None]  # (days replayed, days in all)
HISTORY_DAYS = 430


def demo_loaded() -> bool:
    return db.session.scalar(select(func.count(Client.id))) > 0


def load_demo(progress: Progress | None = None) -> list[str]:
    """Load the demo salon once (telling `progress` each day replayed); return the logins every time."""
    return load_history(progress) + demo_logins().lines()


def load_history(progress: Progress | None = None, *, reference: bool = False) -> list[str]:
    """The salon and its year of history, if the database has no client yet: what was loaded, in a line.
    `reference`: played through the use cases one by one (slow), as the batched build is tested against."""
    if demo_loaded():
        return []
    return _build(progress or (lambda done, total: None), reference)


def _build(progress: Progress, reference: bool = False) -> list[str]:
    rng = random.Random(SEED)
    real_clock = runtime().clock
    now = real_clock()
    frozen = FrozenClock(now - timedelta(days=HISTORY_DAYS))
    runtime().clock = frozen
    try:
        salon = _set_up_salon()
        manager = Actor("Isabelle (gérante)", "manager", salon.id)
        till = Actor("Caisse 1", "till", salon.id, till_id=salon.tills[0].id)
        with transaction():  # the catalogue, the programme and the clients: one commit, not a hundred
            reward_ids = _set_up_program(manager)
            client_ids = _make_clients(till, rng)
        played_on = UseCaseTill(till, manager) if reference else BatchTill(till, manager, client_ids)
        sold = _replay_year(frozen, now, played_on, manager, client_ids, reward_ids, rng, progress)
    finally:
        runtime().clock = real_clock
    return [f"Demo salon loaded: {len(SERVICES)} services, {len(PRODUCTS)} products, 4 rewards, "
            f"{CLIENTS} clients, {sold} sales over the past 14 months."]


def _set_up_salon() -> Salon:
    salon = ensure_salon(name="Salon Hélène")
    with transaction():
        salon.name, salon.timezone, salon.locale, salon.currency = "Salon Hélène", "Europe/Paris", "fr_FR", "EUR"
        salon.address = "12 rue des Martyrs, 75009 Paris"
        salon.vat_number = "FR 32 123456789"
        salon.receipt_footer = "Merci de votre visite ! Prenez rendez-vous au 01 42 00 00 00"
    return salon


def _set_up_program(manager: Actor) -> list[int]:
    for code, name, category, price in SERVICES:
        catalogue.create_item(manager, {"code": code, "name": name, "kind": "service", "category": category,
                                        "price": Decimal(price)})
    for code, name, category, price in PRODUCTS:
        catalogue.create_item(manager, {"code": code, "name": name, "kind": "product", "category": category,
                                        "price": Decimal(price)})
    for code, display_name in CATEGORY_NAMES.items():  # the till shows "Couleur", never "colour"
        catalogue.set_category_name(manager, code, display_name)
    program.update_program(manager, {"points_per_unit": Decimal("1"), "validity_months": VALIDITY_MONTHS,
                                     "referrer_bonus": 30, "welcome_bonus": 10, "products_earn": True})
    program.create_rule(manager, "category", {"category": "colour", "points": 20})
    program.create_rule(manager, "service", {"service_code": "SK", "points": 50})
    program.create_rule(manager, "multiplier", {"factor": "2", "starts_on": None, "ends_on": None, "weekdays": [2],
                                                "from_time": None, "to_time": None,
                                                "description": "Mardi points doublés"})
    rewards = [("10 € offerts", "amount_off", "10.00", 100), ("Pose vernis offerte", "free_item", "PVSP", 150),
               ("10 % sur la prestation", "percent_off", "10", 200), ("Bon de 25 €", "amount_off", "25.00", 250)]
    return [program.create_reward(manager, {"name": n, "kind": k, "value": v, "points_cost": c,
                                            "description": ""}).id for n, k, v, c in rewards]


def _make_clients(till: Actor, rng: random.Random) -> list[int]:
    ids = []
    for number in range(CLIENTS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        fields = {"first_name": first, "last_name": last,
                  "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                  "email": fold(f"{first}.{last}{number}@exemple.fr").replace(" ", ""),
                  "birth_date": datetime(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28)).date(),
                  "subscriber": number % 17 == 0}
        if ids and rng.random() < 0.2:
            fields["referred_by"] = clients.get_client(rng.choice(ids)).referral_code
        ids.append(clients.create_client(till, fields).id)
    return ids


def _replay_year(clock: FrozenClock, until: datetime, till: UseCaseTill, manager: Actor, client_ids: list[int],
                 reward_ids: list[int], rng: random.Random, progress: Progress) -> int:
    """The year's scenario, day by day, played on `till` (either till writes the same rows)."""
    sold, paid_sales = 0, []
    start = clock()
    total = max((until - start).days, 1)
    progress(0, total)
    with till.batches():
        while clock() < until - timedelta(hours=2):
            clock.set(clock().replace(hour=9, minute=0) + timedelta(minutes=rng.randint(0, 540)))
            for _ in range(rng.randint(0, 3)):
                client_id = rng.choice(client_ids)
                lines = [{"code": rng.choice(SERVICES)[0], "quantity": 1}]
                if rng.random() < 0.3:
                    lines.append({"code": rng.choice(PRODUCTS)[0], "quantity": rng.randint(1, 2)})
                sale = till.open_sale(client_id, lines)
                if rng.random() < 0.35:
                    for reward_id in sorted(reward_ids, key=lambda _: rng.random()):
                        if till.hold(sale, reward_id):
                            break
                if rng.random() < 0.03:
                    till.cancel(sale)
                    continue
                due = till.due(sale)
                if due > 0 and rng.random() < 0.3:
                    half = (due / 2).quantize(Decimal("0.01"))
                    till.pay(sale, half, "card")
                    till.pay(sale, due - half + Decimal("5.00"), "cash")
                else:
                    till.pay(sale, due, rng.choice(["card", "card", "cash"]))
                paid_sales.append(sale)
                sold += 1
                clock.advance(minutes=rng.randint(20, 90))
            if paid_sales and rng.random() < 0.01:
                till.refund(paid_sales.pop(rng.randrange(len(paid_sales))))
            if rng.random() < 0.01:
                till.adjust(rng.choice(client_ids), 20, "Geste commercial")
            clock.set(clock().replace(hour=8) + timedelta(days=1))
            till.day_done()
            progress(min((clock() - start).days, total), total)
    progress(total, total)
    grants.grant_reward(manager, client_ids[0], reward_ids[0], "Gagnante du jeu-concours de Noël")
    return sold


CASHIER = ("Camille (caisse)", "1234")
MANAGER = ("Isabelle (gérante)", "9876")


@dataclass(frozen=True)
class DemoLogins:
    till_token: str
    manager_token: str
    cashier: tuple[str, str] = CASHIER  # name, PIN
    manager: tuple[str, str] = MANAGER

    def lines(self) -> list[str]:
        return ["Panel logins: cashier Camille PIN 1234, manager Isabelle PIN 9876.",
                "Till API token (till-1):", self.till_token, "Manager API token:", self.manager_token]


def demo_logins() -> DemoLogins:
    """The demo's two staff members (added once) and two new API tokens (a token is shown only when made)."""
    with transaction():
        if db.session.scalar(select(func.count(Staff.id))) == 0:
            add_staff(CASHIER[0], "cashier", CASHIER[1])
            add_staff(MANAGER[0], "manager", MANAGER[1])
    return DemoLogins(till_token=create_token("till", "till-1 (demo)", "till-1")[1],
                      manager_token=create_token("manager", "Isabelle (demo)")[1])
