"""The Flask extensions, created unbound and attached in the app factory (init_app)."""
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from pos_loyalty.one_trip_flush import OneTripSession


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base, session_options={"class_": OneTripSession, "expire_on_commit": False})
migrate = Migrate()
