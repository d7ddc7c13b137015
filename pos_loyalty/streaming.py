"""Answers streamed after the request has ended (the clients' CSV): their queries run in an application
context and a database session of their own, opened when the first chunk is asked for and closed after the
last one, or when the client goes away. Unlike `stream_with_context`, the request's context is not kept
alive by an answer nobody reads to the end, so it can never close the session of the next request."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import current_app

from pos_loyalty.extensions import db


def streamed_apart(chunks: Iterable[str]) -> Iterator[str]:
    app = current_app._get_current_object()

    def generate() -> Iterator[str]:
        with app.app_context():
            try:
                yield from chunks
            finally:
                db.session.remove()

    return generate()
