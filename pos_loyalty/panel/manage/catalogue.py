"""/manage/catalogue: the salon's services and products by category, checked by the API's
CatalogueItemSchema, and each category's name in the salon's language (the till shows "Couleur" for the
items' "colour").

Items are never deleted (past sales and free-item rewards name them): one is retired, and can come back.
"""
from __future__ import annotations

from itertools import groupby

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.panel.context import money
from pos_loyalty.panel.forms import load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.schemas.bodies import CatalogueItemSchema, CategoryNameSchema
from pos_loyalty.services import catalogue as catalogue_service

NEW_FIELDS = ["code", "name", "kind", "category", "price"]
EDIT_FIELDS = ["name", "kind", "category", "price"]  # the code is the item's key: sales and rewards name it
FIELD_BY_CODE = {"item_exists": "code"}


def kind_words(kind: str) -> str:
    return {"service": _("Services"), "product": _("Products")}.get(kind, kind)


def grouped(items: list, labels: dict[str, str]) -> list[tuple[str, list[tuple[str, list]]]]:
    """[(kind's words, [(category's label, items)])]: services first, categories and items by name."""
    def label(item) -> str:
        return labels.get(item.category) or catalogue_service.category_label(item.category) if item.category \
            else _("No category")

    ordered = sorted(items, key=lambda item: (item.kind != "service", label(item).lower(), item.name.lower()))
    return [(kind_words(kind), [(category, list(rows)) for category, rows in groupby(kind_items, key=label)])
            for kind, kind_items in ((kind, list(rows)) for kind, rows in groupby(ordered, key=lambda i: i.kind))]


def page_context() -> dict:
    if "catalogue_page" not in g:
        salon_id = acting_manager().salon_id
        categories = catalogue_service.list_categories(salon_id)
        items = catalogue_service.list_items(salon_id, include_inactive=True)
        g.catalogue_page = {"groups": grouped(items, {c.code: c.label for c in categories}),
                            "categories": categories, "count": len(items)}
    return g.catalogue_page


def edit_context(item_id: int) -> dict:
    salon_id = acting_manager().salon_id
    return {"item": catalogue_service.get_item(salon_id, item_id),
            "categories": catalogue_service.list_categories(salon_id)}


# The page's context for a refused form (the category form's route passes its `code`: not needed here).
PAGE = {name: (lambda name=name, **_route: page_context()[name]) for name in ("groups", "categories", "count")}


@bp.route("/catalogue", methods=["GET"])
@manager_page
def catalogue():
    return render_template("manage/catalogue.html", errors={}, **page_context())


@bp.route("/catalogue", methods=["POST"])
@manager_page
@saving("manage/catalogue.html", field_by_code=FIELD_BY_CODE, **PAGE)
def catalogue_create():
    fields = load_form(CatalogueItemSchema(), request.form, NEW_FIELDS)
    item = catalogue_service.create_item(acting_manager(), fields)
    flash(_("Added: %(name)s (%(code)s), %(price)s.", name=item.name, code=item.code, price=money(item.price)), "ok")
    return redirect(url_for("manage.catalogue"))


@bp.route("/catalogue/<int:item_id>", methods=["GET"])
@manager_page
def catalogue_edit(item_id: int):
    return render_template("manage/catalogue_edit.html", errors={}, **edit_context(item_id))


@bp.route("/catalogue/<int:item_id>", methods=["POST"])
@manager_page
@saving("manage/catalogue_edit.html", field_by_code=FIELD_BY_CODE,
        item=lambda item_id: edit_context(item_id)["item"], categories=lambda item_id: edit_context(item_id)["categories"])
def catalogue_update(item_id: int):
    actor = acting_manager()
    item = catalogue_service.get_item(actor.salon_id, item_id)
    fields = load_form(CatalogueItemSchema(exclude=("code", "active")), request.form, EDIT_FIELDS)
    fields["category"] = fields.get("category", "").strip().lower()
    before = {name: getattr(item, name) for name in fields}
    changes = {name: value for name, value in fields.items() if before[name] != value}
    if not changes:
        flash(_("Nothing changed."), "info")
    else:
        words = "; ".join(change_words(name, before[name], value) for name, value in changes.items())
        catalogue_service.update_item(actor, item_id, changes)
        flash(_("%(name)s: %(changes)s", name=fields["name"], changes=words), "ok")
    return redirect(url_for("manage.catalogue"))


@bp.route("/catalogue/<int:item_id>/active", methods=["POST"])
@manager_page
def catalogue_active(item_id: int):
    """Retire an item (the till no longer offers it) or bring it back."""
    actor = acting_manager()
    item = catalogue_service.get_item(actor.salon_id, item_id)
    active = request.form.get("active") == "true"
    if item.active == active:
        flash(_("Nothing changed."), "info")
    else:
        catalogue_service.update_item(actor, item_id, {"active": active})
        flash(_("%(name)s is back at the till.", name=item.name) if active
              else _("%(name)s is retired: the till no longer offers it.", name=item.name), "ok")
    return redirect(url_for("manage.catalogue"))


@bp.route("/catalogue/categories/<code>", methods=["POST"])
@manager_page
@saving("manage/catalogue.html", **PAGE)
def catalogue_category(code: str):
    name = load_form(CategoryNameSchema(), request.form, ["display_name"])["display_name"]
    category = catalogue_service.set_category_name(acting_manager(), code, name)
    flash(_("The category %(code)s shows as “%(name)s” at the till.", code=category.code, name=category.label), "ok")
    return redirect(url_for("manage.catalogue") + "#categories")


def change_words(name: str, before, after) -> str:
    """"Price: 30,00 € → 35,00 €", "Category: Cut → Colour"."""
    labels = {"name": _("Name"), "kind": _("Kind"), "category": _("Category"), "price": _("Price")}
    if name == "price":
        before, after = money(before), money(after)
    elif name == "kind":
        before, after = kind_word(before), kind_word(after)
    elif name == "category":
        words = {c.code: c.label for c in catalogue_service.list_categories(acting_manager().salon_id)}
        before, after = (words.get(code) or catalogue_service.category_label(code) if code else _("none")
                         for code in (before, after))
    return f"{labels.get(name, name)}: {before} → {after}"


def kind_word(kind: str) -> str:
    return {"service": _("service"), "product": _("product")}.get(kind, kind)
