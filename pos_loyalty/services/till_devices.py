"""Till devices: a browser that a manager bound, once, to one salon and till.

The device keeps a long random key (a cookie); only its digest is stored. What a login page offers follows
from it: a bound device lists only its salon's staff and its own till. A single-salon installation needs no
binding (every browser is that salon's device, the till chosen at login); in a chain an unbound browser
lets only managers in, so that one of them binds it before a cashier can use it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from pos_loyalty.core.errors import NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import Salon, Staff, Till, TillDevice
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.secret_keys import digest, new_secret
from pos_loyalty.services.staff_login import WrongPin, active_staff
from pos_loyalty.services.transaction import transaction


@dataclass
class LoginScope:
    """Who may log in from this browser, and at which tills."""

    salon: Salon | None  # None: a chain's unbound device (managers of any salon)
    device: TillDevice | None
    staff: list[Staff]
    tills: list[Till] = field(default_factory=list)

    @property
    def managers_only(self) -> bool:
        return self.salon is None

    def till_for(self, typed_code: str | None) -> Till | None:
        """The till the login form names. A bound device's own till only; elsewhere the first one when
        the form names none (as a single-till salon's page sends)."""
        if self.device is not None:
            if typed_code and typed_code != self.tills[0].code:
                raise WrongPin(f"This device is the till {self.tills[0].code}.", code="not_this_till")
            return self.tills[0]
        if not self.tills:
            return None
        return next((till for till in self.tills if till.code == typed_code), self.tills[0])


def device_in_force(key: str | None) -> TillDevice | None:
    if not key:
        return None
    return db.session.scalars(select(TillDevice).where(TillDevice.key_hash == digest(key),
                                                       TillDevice.revoked_at.is_(None))).first()


def device_still_bound(device_id: int) -> bool:
    device = db.session.get(TillDevice, device_id)
    return device is not None and device.revoked_at is None


def login_scope(device_key: str | None) -> LoginScope:
    device = device_in_force(device_key)
    if device is not None:
        till = db.session.get(Till, device.till_id)
        return LoginScope(db.session.get(Salon, device.salon_id), device, active_staff(device.salon_id), [till])
    salons = list(db.session.scalars(select(Salon).order_by(Salon.id).limit(2)))
    if len(salons) == 1:
        salon = salons[0]
        tills = list(db.session.scalars(select(Till).where(Till.salon_id == salon.id).order_by(Till.code)))
        return LoginScope(salon, None, active_staff(salon.id), tills)
    managers = list(db.session.scalars(select(Staff).where(Staff.active.is_(True), Staff.role == "manager")
                                       .order_by(Staff.name, Staff.id)))
    return LoginScope(None, None, managers)


def salon_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Salon))


def bindable_tills(manager: Staff) -> list[Till]:
    return list(db.session.scalars(select(Till).where(Till.salon_id == manager.salon_id).order_by(Till.code)))


def bind_device(manager: Staff, till_code: str, replacing_key: str | None = None) -> tuple[TillDevice, str]:
    """Bind this browser to a till of the manager's own salon; the key is returned once, for the cookie.
    A device bound before is unbound in the same step (one browser, one till)."""
    with transaction():
        till = db.session.scalars(select(Till).where(Till.salon_id == manager.salon_id,
                                                     Till.code == till_code)).first()
        if till is None:
            raise NotFound(f"This salon has no till {till_code!r}.", code="till_not_found")
        now = runtime().now()
        previous = device_in_force(replacing_key)
        if previous is not None:
            previous.revoked_at = now
        key = new_secret()
        device = TillDevice(key_hash=digest(key), salon_id=manager.salon_id, till_id=till.id,
                            bound_by=manager.name[:80], created_at=now, revoked_at=None)
        db.session.add(device)
        db.session.flush()
        audit.record(audit.by_staff(manager), "device.bind", f"device {device.id}", None, {"till": till.code})
        return device, key


@dataclass(frozen=True)
class DeviceListing:
    id: int
    till: str
    bound_by: str
    created_at: object
    revoked_at: object


def list_devices(salon_id: int) -> list[DeviceListing]:
    rows = db.session.execute(select(TillDevice, Till.code).join(Till, Till.id == TillDevice.till_id)
                              .where(TillDevice.salon_id == salon_id)
                              .order_by(TillDevice.revoked_at.is_not(None), Till.code, TillDevice.id))
    return [DeviceListing(device.id, code, device.bound_by, device.created_at, device.revoked_at)
            for device, code in rows]


def revoke_device(manager: Staff, device_id: int) -> TillDevice:
    """Unbind a device of the manager's salon: its login page is an unbound one from the next request on.
    Another salon's device does not exist for this manager."""
    with transaction():
        device = db.session.scalars(select(TillDevice).where(TillDevice.id == device_id,
                                                             TillDevice.salon_id == manager.salon_id)
                                    .with_for_update()).first()
        if device is None:
            raise NotFound("No such device in this salon.", code="device_not_found")
        if device.revoked_at is None:
            device.revoked_at = runtime().now()
            audit.record(audit.by_staff(manager), "device.revoke", f"device {device.id}", {"revoked": False},
                         {"revoked": True})
        return device
