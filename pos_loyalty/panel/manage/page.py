"""What every back-office page shares: the manager guard, the acting manager, the form round trip."""
from __future__ import annotations

import functools

from flask import flash, render_template

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.auth import staff_required
from pos_loyalty.panel.context import panel_actor
from pos_loyalty.panel.forms import FormErrors, domain_errors

# A manager page needs a manager, not a till: the back office may be open on the office's computer.
manager_page = staff_required(manager=True, needs_till=False)


def acting_manager():
    return panel_actor()


def render_form(template: str, status: int = 200, errors: dict | None = None, **context):
    """The page again, its form filled with what was typed and each error by its field (422 when refused:
    a form refused is not saved, and a test or a proxy can tell)."""
    return render_template(template, errors=errors or {}, **context), (422 if errors else status)


def saving(template: str, field_by_code: dict[str, str] | None = None, **context_of):
    """Run a save; on refused input (the schema's or the service's) show the page again with the errors by
    field, and nothing saved (the service's transaction rolled back). `context_of` builds the page's
    context (a callable per name) for that second showing."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except FormErrors as refused:
                errors = refused.errors
            except DomainError as error:
                if error.status == 404:
                    raise
                errors = domain_errors(error, field_by_code).errors
            if "_schema" in errors:
                for message in errors["_schema"]:
                    flash(message, "error")
            context = {name: build(*args, **kwargs) if callable(build) else build for name, build in context_of.items()}
            return render_form(template, errors=errors, **context)

        return wrapper

    return decorator
