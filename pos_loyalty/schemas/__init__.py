"""Marshmallow schemas that both entry points (the JSON API and the panel's forms) check input with."""
