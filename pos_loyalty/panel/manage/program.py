"""/manage/program: the programme's settings, checked by the API's ProgramSchema; a save is a new version."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.panel.forms import load_form
from pos_loyalty.panel.manage import bp, reward_prompt
from pos_loyalty.panel.manage.change_words import describe_all
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.schemas.bodies import ProgramSchema
from pos_loyalty.services import program as program_service
from pos_loyalty.services.context import current_program
from pos_loyalty.services.versions import version_settings

# The fields of the page, in its order; `currency` is the salon's, set up with it, not a manager's choice.
PAGE_FIELDS = ["enabled", "points_per_unit", "rounding", "validity_months", "products_earn",
               "discounted_sales_earn", "subscribers_earn", "referrer_bonus", "welcome_bonus",
               "allow_stacking", "catalogue_only", "reward_mode", "referral_thanks_email"]


def page_context() -> dict:
    return {"settings": version_settings(current_program()), "version": current_program()}


@bp.route("/program", methods=["GET"])
@manager_page
def program():
    return render_template("manage/program.html", errors={}, **page_context())


@bp.route("/program", methods=["POST"])
@manager_page
@saving("manage/program.html", settings=lambda: version_settings(current_program()), version=current_program)
def program_save():
    # Every field of the page is required (an emptied ratio is a mistake, not "unchanged"); the salon's
    # currency is not on the page.
    changes = load_form(ProgramSchema(partial=("currency",)), request.form, PAGE_FIELDS)
    choice = reward_prompt.posted_choice()
    before = current_program()
    # Redeem to milestone: the clients already past a reward get its code now only if the manager says so.
    past = reward_prompt.rewards_to_ask_about(version_settings(before), changes)
    if past and choice is None:
        return reward_prompt.ask_first("manage/program.html", sum(reward["count"] for reward in past),
                                       past_rewards=past, **page_context())
    after = program_service.update_program(acting_manager(), changes)
    if after.version == before.version:
        flash(_("Nothing changed."), "info")
    else:
        from pos_loyalty.services.versions import version_changes

        words = "; ".join(describe_all(version_changes(before, after)))
        flash(_("Saved as version %(version)s: %(changes)s", version=after.version, changes=words), "ok")
    if past and choice == "now":
        reward_prompt.give_now(acting_manager(), *(reward["id"] for reward in past))
    return redirect(url_for("manage.program"))
