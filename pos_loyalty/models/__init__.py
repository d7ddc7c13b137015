"""SQLAlchemy models: the adapters that persist the core's facts."""
from pos_loyalty.models.audit import AuditEntry
from pos_loyalty.models.clients import LOT_IS_OPEN, Client, LedgerEntry, LotConsumption, PointsAccount, PointsLot
from pos_loyalty.models.idempotency import IdempotencyRecord
from pos_loyalty.models.jobs import BackgroundJob
from pos_loyalty.models.mail import OutboxMail
from pos_loyalty.models.printing import PrintJob
from pos_loyalty.models.program import CatalogueCategory, CatalogueItem, EarningRuleRow, ProgramVersion, Reward, RewardGrant
from pos_loyalty.models.salon import ApiToken, PanelSession, Salon, Staff, Till, TillDevice, TillScreen
from pos_loyalty.models.sales import Payment, Redemption, Sale, SaleLine

__all__ = [
    "LOT_IS_OPEN", "ApiToken", "AuditEntry", "BackgroundJob", "CatalogueCategory", "CatalogueItem", "PanelSession", "TillDevice", "Client", "EarningRuleRow", "IdempotencyRecord", "LedgerEntry",
    "LotConsumption", "OutboxMail", "Payment", "PointsAccount", "PointsLot", "PrintJob", "ProgramVersion", "Redemption", "Reward",
    "RewardGrant", "Salon", "Sale", "SaleLine", "Staff", "Till", "TillScreen",
]
