"""The salon's services and retail products, which sale lines must name."""
from __future__ import annotations

from sqlalchemy import select

from pos_loyalty.core.errors import Conflict, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import CatalogueItem
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


def create_item(actor: Actor, fields: dict) -> CatalogueItem:
    with transaction():
        fields = {**fields, "code": fields["code"].upper(), "category": (fields.get("category") or "").lower()}
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
            fields["category"] = (fields["category"] or "").lower()
        before = {name: getattr(item, name) for name in fields}
        for name, value in fields.items():
            setattr(item, name, value)
        audit.record(actor, "catalogue.update", f"item {item.code}", *audit.changed_only(before, fields))
        return item
