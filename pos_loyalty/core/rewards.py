"""What a reward takes off a sale: an amount, a percentage, or one unit of a named item."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .errors import Conflict
from .money import quantize
from .pricing import DiscountClaim, PricedLine

REWARD_KINDS = ("amount_off", "percent_off", "free_item")


@dataclass(frozen=True)
class RewardTerms:
    name: str
    kind: str
    value: str  # "10.00", "10" (percent) or an item code


def reward_claim(reward: RewardTerms, lines: tuple[PricedLine, ...], left_to_pay: Decimal) -> DiscountClaim:
    """The discount a reward gives on this sale, never more than what is left to pay."""
    if reward.kind == "amount_off":
        amount = Decimal(reward.value)
        return DiscountClaim(amount=min(amount, left_to_pay))
    if reward.kind == "percent_off":
        total = sum((line.amount for line in lines), Decimal(0))
        amount = quantize(total * Decimal(reward.value) / 100)
        return DiscountClaim(amount=min(amount, left_to_pay))
    if reward.kind == "free_item":
        for index, line in enumerate(lines):
            if line.code == reward.value:
                return DiscountClaim(amount=min(line.unit_price, left_to_pay), line_index=index)
        raise Conflict(f"The reward “{reward.name}” is a free {reward.value}: add it to the sale first.",
                       code="reward_item_missing", details={"item_code": reward.value})
    raise ValueError(f"unknown reward kind {reward.kind!r}")


def normalise_reward_value(kind: str, value: str) -> str:
    """The value as stored: "10.00" for an amount, "10" for a percentage, the item code for a free item."""
    from decimal import InvalidOperation

    from .errors import Invalid

    def refuse(message: str):
        raise Invalid(message, code="invalid_reward_value", details={"value": [message]})

    if kind not in REWARD_KINDS:
        refuse(f"Unknown reward kind {kind!r}.")
    text = str(value).strip()
    if kind == "free_item":
        if not text or len(text) > 40:
            refuse("Give the code of the free service or product.")
        return text.upper()
    try:
        number = Decimal(text)
    except InvalidOperation:
        refuse("Give a decimal number such as \"10.00\".")
    if not number.is_finite():
        refuse("Give a decimal number such as \"10.00\".")
    if kind == "amount_off":
        if not Decimal("0.01") <= number <= Decimal("100000") or number != number.quantize(Decimal("0.01")):
            refuse("An amount off is between 0.01 and 100000.00, with at most two decimals.")
        return f"{number.quantize(Decimal('0.01')):f}"
    if not Decimal("0") < number <= Decimal("100") or number != number.quantize(Decimal("0.01")):
        refuse("A percentage is above 0 and at most 100.")
    return f"{number.normalize():f}"
