"""/manage: the day at a glance and the programme's state, with the way to every back-office page."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template

from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page
from pos_loyalty.panel.manage.sentences import reward_sentence, rule_sentence
from pos_loyalty.services.context import current_program, salon_time
from pos_loyalty.services.dashboard import day_at_a_glance
from pos_loyalty.services.program import list_rewards, list_rules, reward_as_dict


@bp.route("/")
@manager_page
def index():
    actor = acting_manager()
    today = salon_time(actor.salon_id).today
    rules = [rule_sentence(rule.kind, rule.params) for rule in list_rules() if rule.active]
    rewards = [reward_sentence(reward_as_dict(reward)) for reward in list_rewards(active_only=True)]
    month = day_at_a_glance(actor, today - timedelta(days=29), today)  # a quiet morning still shows the trend
    return render_template("manage/dashboard.html", figures=day_at_a_glance(actor, today), month=month,
                           program=current_program(), rules=rules, rewards=rewards)
