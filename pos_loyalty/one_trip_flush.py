"""A use case's writes in one round trip on PostgreSQL: the session's new rows and changed rows go out as a
single statement of data-modifying CTEs (`WITH i0 AS (INSERT ... RETURNING id), u0 AS (UPDATE ...) SELECT`)
instead of one statement per row and table.

Why: a payment writes eight rows in five tables (the ledger entries, the lot taken from, the new lot, the
consumption, the payment, the sale, the account, the redemption). Each statement through the ORM costs a
round trip and a few hundred microseconds of Python; together they were a third of the till's pay step. One
statement of CTEs costs about what one insert does. PostgreSQL runs every data-modifying CTE exactly once and
to completion, all against the same snapshot, and checks foreign keys when the whole statement ends, so a
row may name a parent inserted by a sibling CTE through `(SELECT id FROM i0)`.

What it writes is exactly what `Session.flush()` would: the same columns, the foreign keys that the
relationships set (a lot's entry, a payment's sale, a redemption's deduction), the columns' Python defaults;
an UPDATE that finds no row fails as the ORM's does. Afterwards the objects are persistent and clean, as
after a flush (SQLAlchemy's own bookkeeping for that: `Session._register_persistent`, the step that ends every
flush). Whatever it does not cover (deletes, many-to-many, a changed primary key, moved children, events on
flushes, a mapper with inheritance or a composite key, a large batch) goes through `Session.flush()`, as
does everything on SQLite, where a statement is a function call, not a round trip."""
from __future__ import annotations

from sqlalchemy import bindparam, insert, literal_column, update
from sqlalchemy.sql.elements import ClauseElement
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import ColumnProperty
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.base import NO_VALUE, PASSIVE_NO_INITIALIZE
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE, ONETOMANY

MAX_ROWS = 40  # beyond that (imports, the demo's batches) insertmanyvalues batches rows better than CTEs do


class _Beyond(Exception):
    """Something this module does not write: the session's own flush does."""


class _NewRow:
    """A pending object's future primary key, named by its CTE."""

    def __init__(self, state, index: int):
        self.state, self.index = state, index
        self.cte = None


class OneTripSession(FlaskSession):
    """db.session's class: every flush (explicit, autoflush, commit's) writes in one round trip where it can."""

    def flush(self, objects=None) -> None:
        if objects is not None or self._flushing or not (self._new or self._dirty_states):
            super().flush(objects)
            return
        if self.get_bind().dialect.name != "postgresql":
            super().flush()
            return
        try:
            with self.no_autoflush:
                plan = _Plan(self)
        except _Beyond:
            super().flush()
            return
        if not plan.inserts and not plan.updates:
            super().flush()  # only bookkeeping (a collection loaded, a value set to itself): the ORM's no-op
            return
        self._flushing = True  # nothing may flush (autoflush, an event) while this one is half done
        try:
            plan.execute()
        finally:
            self._flushing = False


class _Plan:
    def __init__(self, session: FlaskSession):
        self.session = session
        if session.deleted or _has_flush_events(session):
            raise _Beyond
        # In a stable order (tables, then the order objects were added or their keys): the same use case
        # makes the same SQL text, compiled once by SQLAlchemy and prepared once per connection by psycopg.
        pending = sorted((instance_state(obj) for obj in session.new),
                         key=lambda state: (state.mapper.local_table.name, state.insert_order))
        changed = sorted((state for state in session._dirty_states if state not in session._new),  # noqa: SLF001
                         key=lambda state: (state.mapper.local_table.name, state.identity))
        if len(pending) + len(changed) > MAX_ROWS:
            raise _Beyond
        self.new_rows = {state: _NewRow(state, index) for index, state in enumerate(pending)}
        # Column values by state; a value is a Python value or a _NewRow (the key of a row inserted here).
        self.values: dict = {state: {} for state in pending}
        self.changes: dict = {state: {} for state in changed}
        for state in pending:
            self._read_new(state)
        for state in changed:
            self._read_changed(state)
        for state in (*pending, *changed):
            self._sync_relationships(state)
        self.inserts = self._insert_order(pending)
        self.updates = [state for state in changed if self.changes[state]]
        self.touched = set(pending) | set(changed)

    # What the ORM would write -------------------------------------------------------------------------
    def _read_new(self, state) -> None:
        mapper = _simple_mapper(state)
        if mapper._is_orphan(state):  # noqa: SLF001 - a delete-orphan child with no parent: the ORM decides
            raise _Beyond
        values = self.values[state]
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            value = state.dict.get(prop.key, NO_VALUE)
            if value is NO_VALUE:
                if column.default is None:
                    if column.server_default is None and not column.primary_key:
                        values[column] = None  # as the ORM writes it: NULL, and None on the object
                    continue  # the key, or the server's default (expired below, read when asked for)
                if column.default.is_scalar:
                    value = column.default.arg
                elif column.default.is_callable:
                    value = column.default.arg(None)
                else:
                    raise _Beyond  # a SQL expression or a sequence as default
            values[column] = _plain(value)

    def _read_changed(self, state) -> None:
        mapper = _simple_mapper(state)
        changes = self.changes[state]
        for key in list(state.committed_state):  # what was set since the last flush, as the ORM's update reads it
            prop = mapper.attrs.get(key)
            if prop is None or not isinstance(prop, ColumnProperty):
                continue
            history = state.manager[key].impl.get_history(state, state.dict, PASSIVE_NO_INITIALIZE)
            if not history.has_changes():
                continue
            column = prop.columns[0]
            if column.primary_key:
                raise _Beyond
            changes[column] = _plain(history.added[0] if history.added else None)

    def _sync_relationships(self, state) -> None:
        """The foreign keys a flush would copy from related objects (relationships.py's sync)."""
        pending = state in self.new_rows
        for prop in state.mapper.relationships:
            if prop.viewonly or (not pending and prop.key not in state.committed_state):
                continue
            history = state.manager[prop.key].impl.get_history(state, state.dict, PASSIVE_NO_INITIALIZE)
            if not history.has_changes():
                continue
            if prop.direction is MANYTOMANY or prop.secondary is not None:
                raise _Beyond
            if prop.direction is MANYTOONE:
                parent = history.added[0] if history.added else None
                parent_state = instance_state(parent) if parent is not None else None
                for local, remote in prop.local_remote_pairs:
                    self._set_foreign_key(state, local, self._key_of(parent_state, remote))
            elif prop.direction is ONETOMANY:
                if history.deleted:
                    raise _Beyond  # a child leaving its parent: nulled or deleted, the ORM's call
                for child in history.added:
                    child_state = instance_state(child)
                    if child_state not in self.new_rows:
                        raise _Beyond  # a persistent child moved to this parent
                    for local, remote in prop.local_remote_pairs:
                        self._set_foreign_key(child_state, remote, self._key_of(state, local))
            else:
                raise _Beyond

    def _key_of(self, state, column):
        if state is None:
            return None
        if state in self.new_rows:
            if not column.primary_key:
                raise _Beyond
            known = state.dict.get(_attribute(state, column))
            return known if known is not None else self.new_rows[state]
        if state.key is None:  # pending in no session of ours, or transient: cascades are the ORM's
            raise _Beyond
        return state.mapper._get_state_attr_by_column(state, state.dict, column)  # noqa: SLF001 - as sync does

    def _set_foreign_key(self, state, column, value) -> None:
        if state in self.new_rows:
            self.values[state][column] = value
        else:
            self.changes[state][column] = value

    def _insert_order(self, pending: list) -> list:
        """Parents before the children that name them (a CTE can only read the CTEs before it)."""
        ordered, visiting, done = [], set(), set()

        def visit(state):
            if state in done:
                return
            if state in visiting:
                raise _Beyond  # a cycle: the ORM's post-update handles those
            visiting.add(state)
            for value in self.values[state].values():
                if isinstance(value, _NewRow):
                    visit(value.state)
            visiting.discard(state)
            done.add(state)
            ordered.append(state)

        for state in pending:
            visit(state)
        return ordered

    # One statement ------------------------------------------------------------------------------------
    def execute(self) -> None:
        position = {state: number for number, state in enumerate(self.inserts)}

        def shape_of(columns: dict) -> tuple:
            return tuple((column, position[value.state] if isinstance(value, _NewRow) else None)
                         for column, value in columns.items())

        shape = (tuple((state.mapper, shape_of(self.values[state])) for state in self.inserts),
                 tuple((state.mapper, shape_of(self.changes[state])) for state in self.updates))
        connection = self.session.connection()
        sql = _statement_sql(shape, connection.dialect)
        parameters = {}
        for prefix, states, rows in (("i", self.inserts, self.values), ("u", self.updates, self.changes)):
            for number, state in enumerate(states):
                for position, value in enumerate(rows[state].values()):  # named by position: short SQL
                    if not isinstance(value, _NewRow):
                        parameters[f"{prefix}{number}_{position}"] = value
                if prefix == "u":
                    parameters[f"u{number}_k"] = state.identity[0]
        row = connection.exec_driver_sql(sql, _processed(shape, parameters, connection.dialect)).one()
        keys, counts = row[:len(self.inserts)], row[len(self.inserts):]
        for state, count in zip(self.updates, counts):
            if count != 1:
                raise StaleDataError(f"UPDATE of {state.mapper.local_table.name} expected to update 1 row; {count} "
                                     "were matched.")
        self._register(dict(zip(self.inserts, keys)))

    def _register(self, keys: dict) -> None:
        """The objects as a flush leaves them: keys and foreign keys set, persistent, no pending history."""
        def written(value):
            return keys[value.state] if isinstance(value, _NewRow) else value

        for state, key in keys.items():
            state.dict[_attribute(state, state.mapper.primary_key[0])] = key
        for state in self.changes:  # an expired object's key is its identity: not read again (the ORM would)
            state.dict.setdefault(_attribute(state, state.mapper.primary_key[0]), state.identity[0])
        for rows in (self.values, self.changes):
            for state, columns in rows.items():
                for column, value in columns.items():  # defaults and foreign keys as the flush sets them
                    state.dict[_attribute(state, column)] = written(value)
        unset = {state: [prop.key for prop in state.mapper.column_attrs if prop.columns[0] not in self.values[state]
                         and not prop.columns[0].primary_key] for state in self.inserts}
        objects = [state.obj() for state in self.touched]  # held: leaving the session's new set drops its reference
        self.session._register_persistent(self.touched)  # noqa: SLF001 - what ends every flush
        for state, keys_left in unset.items():
            if keys_left:  # server defaults: read when first asked for, as after a flush
                self.session.expire(state.obj(), keys_left)
        del objects


class _Fragment:
    """One row's INSERT or UPDATE for a table and a set of columns, compiled once by SQLAlchemy (its column
    types' casts, its quoting) with placeholders: `__P__` before each parameter's name (the column's position,
    or `k` for the key of the row updated: psycopg caches its parsing of SQL up to 4 KB only), `__REF_<column>__`
    where a column names a row inserted by another CTE. A statement is these fragments put side by side, so a
    new combination of rows (one lot more taken) costs string joins, not a compilation."""

    def __init__(self, kind: str, mapper, columns: tuple, dialect):
        table, key_column = mapper.local_table, mapper.primary_key[0]
        values = {column.key: (literal_column(f"(SELECT {referenced} FROM __REF_{column.key}__)") if referenced
                               else bindparam(f"__P__{position}", type_=column.type))
                  for position, (column, referenced) in enumerate(columns)}
        if kind == "insert":
            construct = insert(table).values(values).returning(key_column)
        else:
            construct = (update(table).where(key_column == bindparam("__P__k", type_=key_column.type))
                         .values(values).returning(key_column))
        compiled = construct.compile(dialect=dialect)
        self.sql = compiled.string
        self.processors = {name[len("__P__"):]: bind.type.dialect_impl(dialect).bind_processor(dialect)
                           for name, bind in compiled.binds.items()}
        self.key_name = key_column.key


_FRAGMENTS: dict = {}  # (kind, mapper, columns, dialect name) -> _Fragment: a few per table
_STATEMENTS: dict = {}  # shape -> SQL text; a till's use cases make a few dozen shapes
_MAX_CACHED = 1024


def _fragment(kind: str, mapper, columns: tuple, dialect) -> _Fragment:
    key = (kind, mapper, columns, dialect.name)
    known = _FRAGMENTS.get(key)
    if known is None:
        if len(_FRAGMENTS) >= _MAX_CACHED:
            _FRAGMENTS.clear()
        known = _FRAGMENTS[key] = _Fragment(kind, mapper, columns, dialect)
    return known


def _fragment_columns(columns: tuple, inserts: tuple) -> tuple:
    """(column, the referenced row's key name or None) for each column of a row of the shape."""
    return tuple((column, inserts[reference][0].primary_key[0].key if reference is not None else None)
                 for column, reference in columns)


def _statement_sql(shape: tuple, dialect) -> str:
    known = _STATEMENTS.get(shape)
    if known is not None:
        return known
    inserts, updates = shape
    parts, outputs = [], []
    for prefix, kind, rows in (("i", "insert", inserts), ("u", "update", updates)):
        for number, (mapper, columns) in enumerate(rows):
            fragment = _fragment(kind, mapper, _fragment_columns(columns, inserts), dialect)
            sql = fragment.sql.replace("__P__", f"{prefix}{number}_")
            for column, reference in columns:
                if reference is not None:
                    sql = sql.replace(f"__REF_{column.key}__", f"i{reference}")
            parts.append(f"{prefix}{number} AS ({sql})")
            outputs.append(f"(SELECT {fragment.key_name} FROM {prefix}{number})" if kind == "insert"
                           else f"(SELECT count(*) FROM {prefix}{number})")
    sql = "WITH " + ", ".join(parts) + " SELECT " + ", ".join(outputs)
    if len(_STATEMENTS) >= _MAX_CACHED:
        _STATEMENTS.clear()
    _STATEMENTS[shape] = sql
    return sql


def _processed(shape: tuple, parameters: dict, dialect) -> dict:
    """The parameters bound as their columns' types bind them (Money to cents, aware times to UTC)."""
    inserts, updates = shape
    processed = {}
    for prefix, kind, rows in (("i", "insert", inserts), ("u", "update", updates)):
        for number, (mapper, columns) in enumerate(rows):
            fragment = _fragment(kind, mapper, _fragment_columns(columns, inserts), dialect)
            start = f"{prefix}{number}_"
            for name, processor in fragment.processors.items():
                value = parameters[start + name]
                processed[start + name] = processor(value) if processor else value
    return processed


def _plain(value):
    """A value sent as a parameter; a SQL expression (`created_at=func.now()`) is rendered by the ORM's flush."""
    if isinstance(value, ClauseElement) or hasattr(value, "__clause_element__"):
        raise _Beyond
    return value


def _attribute(state, column) -> str:
    return state.mapper.get_property_by_column(column).key


def _simple_mapper(state):
    mapper = state.mapper
    if (mapper.inherits is not None or len(mapper.primary_key) != 1 or mapper.version_id_col is not None
            or len(mapper.tables) != 1 or _has_mapper_events(mapper)):
        raise _Beyond
    return mapper


def _has_flush_events(session: FlaskSession) -> bool:
    dispatch = session.dispatch
    return bool(dispatch.before_flush or dispatch.after_flush or dispatch.after_flush_postexec)


def _has_mapper_events(mapper) -> bool:
    dispatch = mapper.dispatch
    return bool(dispatch.before_insert or dispatch.after_insert or dispatch.before_update or dispatch.after_update)
