"""The salon's services and retail products, which sale lines must name."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from pos_loyalty.core.errors import Conflict, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import CatalogueCategory, CatalogueItem
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.transaction import transaction


def list_items(salon_id: int, q: str | None = None, include_inactive: bool = False) -> list[CatalogueItem]:
    query = select(CatalogueItem).where(CatalogueItem.salon_id == salon_id)
    if not include_inactive:
        query = query.where(CatalogueItem.active.is_(True))
    items = list(db.session.scalars(query.order_by(CatalogueItem.kind.desc(), CatalogueItem.category,
                                                   CatalogueItem.name)))
    if q:
        needle = q.strip().lower()
        items = [i for i in items if needle in i.name.lower() or needle in i.code.lower()
                 or needle in (i.category or "").lower()]
    return items


def find_item(salon_id: int, code: str) -> CatalogueItem | None:
    return db.session.scalars(select(CatalogueItem).where(CatalogueItem.salon_id == salon_id,
                                                          CatalogueItem.code == code.upper())).first()


def get_item(salon_id: int, item_id: int) -> CatalogueItem:
    item = db.session.get(CatalogueItem, item_id)
    if item is None or item.salon_id != salon_id:
        raise NotFound(f"Catalogue item {item_id} does not exist.", code="item_not_found")
    return item


def create_item(actor: Actor, fields: dict) -> CatalogueItem:
    with transaction():
        fields = {**fields, "code": fields["code"].upper(), "category": (fields.get("category") or "").strip().lower()}
        if find_item(actor.salon_id, fields["code"]):
            raise Conflict(f"The code {fields['code']} is taken in this salon's catalogue.", code="item_exists")
        item = CatalogueItem(salon_id=actor.salon_id, **fields)
        db.session.add(item)
        db.session.flush()
        audit.record(actor, "catalogue.create", f"item {item.code}", None, fields)
        return item


def update_item(actor: Actor, item_id: int, fields: dict) -> CatalogueItem:
    with transaction():
        item = db.session.get(CatalogueItem, item_id)
        if item is None or item.salon_id != actor.salon_id:
            raise NotFound(f"Catalogue item {item_id} does not exist.", code="item_not_found")
        if "category" in fields:
            fields["category"] = (fields["category"] or "").strip().lower()
        before = {name: getattr(item, name) for name in fields}
        for name, value in fields.items():
            setattr(item, name, value)
        audit.record(actor, "catalogue.update", f"item {item.code}", *audit.changed_only(before, fields))
        return item


@dataclass(frozen=True)
class Category:
    """A category the salon's items carry, or one a manager named: what the till shows for it."""

    code: str
    display_name: str | None
    position: int
    items: int

    @property
    def label(self) -> str:
        return self.display_name or category_label(self.code)


def category_label(code: str) -> str:
    """A category without a display name, readable: "colour" → "Colour", "hair_colour" → "Hair Colour"."""
    return " ".join(word[:1].upper() + word[1:] for word in re.split(r"[\s_-]+", code) if word)


def list_categories(salon_id: int) -> list[Category]:
    """Every category used by the salon's items (retired ones too) and every category named, by position
    then code."""
    used: dict[str, int] = {}
    for category in db.session.scalars(select(CatalogueItem.category).where(CatalogueItem.salon_id == salon_id)):
        if category:
            used[category] = used.get(category, 0) + 1
    named = {row.code: row for row in db.session.scalars(
        select(CatalogueCategory).where(CatalogueCategory.salon_id == salon_id))}
    categories = [Category(code, named[code].display_name if code in named else None,
                           named[code].position if code in named else 0, used.get(code, 0))
                  for code in set(used) | set(named)]
    return sorted(categories, key=lambda category: (category.position, category.code))


def category_labels(salon_id: int) -> dict[str, str]:
    """Category code → what the till shows."""
    return {category.code: category.label for category in list_categories(salon_id)}


def set_category_name(actor: Actor, code: str, display_name: str) -> Category:
    """Name a category in the salon's language; the items keep their code ("colour" shows as "Couleur")."""
    with transaction():
        code = code.strip().lower()
        display_name = display_name.strip()
        if not code or len(code) > 40 or not code.isprintable():
            raise NotFound("No category can have this code.", code="category_not_found")
        row = db.session.scalars(select(CatalogueCategory).where(CatalogueCategory.salon_id == actor.salon_id,
                                                                 CatalogueCategory.code == code)).first()
        before = {"display_name": row.display_name} if row else None
        if row is None:
            row = CatalogueCategory(salon_id=actor.salon_id, code=code, display_name=display_name, position=0)
            db.session.add(row)
        row.display_name = display_name
        db.session.flush()
        if before != {"display_name": display_name}:
            audit.record(actor, "catalogue.category", f"category {code}", before, {"display_name": display_name})
        items = db.session.scalar(select(func.count()).select_from(CatalogueItem).where(
            CatalogueItem.salon_id == actor.salon_id, CatalogueItem.category == code)) or 0
        return Category(code, row.display_name, row.position, items)
