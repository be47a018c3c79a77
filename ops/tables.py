"""Every table of the database as JSON lines, and back: the portable form used by backups.

Tables are reflected from the database itself, not taken from the models, so a backup holds
whatever the schema at its revision holds, and rows go back into any backend (a SQLite trial
can be restored into PostgreSQL). Values are decoded by the type of the target column.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, MetaData, Numeric, Table, Time, select
from sqlalchemy.engine import Connection

from common.clock import as_utc

SKIPPED_TABLES = frozenset({"alembic_version"})
BATCH = 500


def reflect_tables(connection: Connection) -> list[Table]:
    """The data tables, parents before children (the order rows can be inserted in)."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return [table for table in metadata.sorted_tables if table.name not in SKIPPED_TABLES]


def iter_rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Every row of ``table`` as JSON-ready values, in primary-key order."""
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for row in result.mappings():
        yield {key: encode_value(value) for key, value in row.items()}


def encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row read from JSON, with values of the column types of ``table``.

    Columns the table does not have are refused rather than silently dropped.
    """
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise ValueError(f"table {table.name} has no column {', '.join(sorted(unknown))}")
    return {key: decode_value(table.columns[key].type, value) for key, value in row.items()}


def decode_value(column_type: Any, value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    if isinstance(column_type, DateTime):
        return as_utc(datetime.fromisoformat(value))
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Time):
        return time.fromisoformat(value)
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column_type, Numeric) and column_type.asdecimal:
        return Decimal(value)
    return value


def json_line(row: Mapping[str, Any]) -> bytes:
    return json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def self_references(table: Table) -> list[str]:
    """Columns that point at another row of the same table (filled after every row exists)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name]


def insert_rows(connection: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert decoded rows in batches; self-references are set once every row is in."""
    later = self_references(table)
    pending: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        values = decode_row(table, row)
        if later and any(values.get(name) is not None for name in later):
            links.append({name: values[name] for name in [*_pk(table), *later] if name in values})
        pending.append({**values, **dict.fromkeys(later)} if later else values)
        if len(pending) >= BATCH:
            count += _flush(connection, table, pending)
    count += _flush(connection, table, pending)
    _link(connection, table, links, later)
    return count


def _pk(table: Table) -> list[str]:
    return [column.name for column in table.primary_key.columns]


def _flush(connection: Connection, table: Table, pending: list[dict[str, Any]]) -> int:
    if not pending:
        return 0
    connection.execute(table.insert(), pending)
    done = len(pending)
    pending.clear()
    return done


def _link(
    connection: Connection, table: Table, links: list[dict[str, Any]], later: list[str]
) -> None:
    keys = _pk(table)
    for values in links:
        where = [table.columns[key] == values[key] for key in keys]
        connection.execute(
            table.update().where(*where).values({name: values.get(name) for name in later})
        )
