"""Who is acting: a till or manager token, a cashier on the panel, or the command line."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str
    role: str  # till | manager (cashiers act with the till role)
    salon_id: int
    till_id: int | None = None
    token_id: int | None = None
    channel: str = ""  # panel | api | cli: where a manager's action came from, for the audit trail
    staff_id: int | None = None  # the signed-in staff member on the panel (a manager cannot deactivate themself)

    @property
    def source(self) -> str:
        return self.channel or ("api" if self.token_id is not None else "cli")

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"
