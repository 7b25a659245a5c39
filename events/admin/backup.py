"""Export the log as JSON Lines and import it into an empty database, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from events.admin.verify import log_problems
from events.log.chain import GENESIS, link
from events.log.clock import from_utc_text, to_utc_text
from events.log.errors import ImportRefused, TimelineError
from events.log.migrations import SCHEMA_VERSION
from events.log.store import (
    VERBATIM_COLUMNS,
    EventStore,
    canonical_json,
    loads_json,
)
from events.read import projections

# An exported event: the log's row as the store writes it back, its hash in hexadecimal.
# Exports made before the hash chain lack batch_index (import numbers it again) and hash (computed).
FIELDS = VERBATIM_COLUMNS
CHAIN_FIELDS = ("batch_index", "hash")
_REQUIRED_TYPES = {
    "position": int,
    "event_id": str,
    "stream_id": str,
    "version": int,
    "type": str,
    "schema_version": int,
    "payload": dict,
    "metadata": dict,
    "recorded_at": str,
}


def export_lines(store: EventStore) -> Iterator[str]:
    """Every event as one JSON line, in position order, from one consistent snapshot."""
    for row in store.verbatim_rows():  # one snapshot while writers go on
        record = dict(zip(FIELDS, row))
        record["payload"] = loads_json(record["payload"])
        record["metadata"] = loads_json(record["metadata"])
        record["hash"] = record["hash"].hex() if record["hash"] is not None else None
        yield canonical_json(record) + "\n"


def export_to(store: EventStore, out: IO[str]) -> int:
    count = 0
    for line in export_lines(store):
        out.write(line)
        count += 1
    return count


def import_from(store: EventStore, lines: IO[str]) -> int:
    """Insert exported events verbatim (positions, ids, times) into an empty log and project them, all or nothing.

    The log refuses UPDATE and DELETE, so a bad event committed could never be
    taken out again: the whole import checks as `timeline verify` does, and
    is projected, inside its one transaction before it commits. Each event's hash
    must follow from its content and the event before it (an export from before the
    hash chain has none: the chain is computed, as the migration does).
    """
    with (
        store.transaction()
    ):  # SQLite's one write transaction; on PostgreSQL the log's inside the read models'
        if not store.is_empty():
            raise ImportRefused("import needs an empty database: this one already has events")
        rows, batch_counts, previous, count, chain = [], {}, 0, 0, _Chain()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = _record(line, number, previous)
            previous = record["position"]
            key = record.get("idempotency_key")
            index = batch_counts.get(key, 0) if key else 0
            if key:
                batch_counts[key] = index + 1
            rows.append(chain.add(_row(record, record.get("batch_index", index)), record.get("hash"), number))
            count += 1
            if len(rows) >= 10_000:
                store.insert_verbatim(rows)
                rows = []
        store.insert_verbatim(rows)
        _refuse_unsound(store)
    return count


class _Chain:
    """The hash chain along an import: every line carries its hash, or (an older export) none does."""

    def __init__(self) -> None:
        self.previous, self.hashed = GENESIS, None

    def add(self, row: tuple, carried: str | None, number: int) -> tuple:
        """The row with its hash, checked against the one the line carries."""
        if self.hashed is None:
            self.hashed = carried is not None
        if self.hashed != (carried is not None):
            raise ImportRefused(f"line {number}: some events carry a hash and others not")
        self.previous = link(self.previous, row)
        if carried is not None and carried != self.previous.hex():
            raise ImportRefused(
                f"line {number}: hash of position {row[0]} does not follow from the event and the one before it"
                " (edited, inserted, removed or reordered)"
            )
        return (*row, self.previous)


def _refuse_unsound(store: EventStore) -> None:
    """The imported log as verify sees it, then projected: any fault refuses the import (it rolls back)."""
    # The SQLite log's checks (chain, positions, payloads, triggers) read its file; PostgreSQL's
    # log is checked by the server (constraints, triggers) and by the chain checked line by line.
    problems = list(log_problems(store.conn)) if store.url is None else []
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ImportRefused(f"the log does not verify: {problems[0]}{more}")
    try:
        projections.rebuild(store)
    except (KeyError, TypeError, ValueError, AttributeError, TimelineError) as error:
        raise ImportRefused(f"the log cannot be projected: {type(error).__name__}: {error}") from None


def _record(line: str, number: int, previous: int) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"line {number}: not JSON: {error}") from None
    if not isinstance(record, dict):
        raise ImportRefused(f"line {number}: expected a JSON object")
    for name, kind in _REQUIRED_TYPES.items():
        if not isinstance(record.get(name), kind) or isinstance(record.get(name), bool):
            raise ImportRefused(f"line {number}: field {name!r} missing or not {kind.__name__}")
    for name, kind in (("batch_index", int), ("hash", str)):
        if name in record and (not isinstance(record[name], kind) or isinstance(record[name], bool)):
            raise ImportRefused(f"line {number}: field {name!r} not {kind.__name__}")
    if ("batch_index" in record) != ("hash" in record):
        raise ImportRefused(f"line {number}: batch_index and hash come together")
    unknown = set(record) - set(FIELDS)
    if unknown:
        raise ImportRefused(f"line {number}: unknown field {sorted(unknown)[0]!r}")
    if record["position"] <= previous:
        raise ImportRefused(f"line {number}: position {record['position']} is not after {previous}")
    if record["schema_version"] > SCHEMA_VERSION + 100:
        raise ImportRefused(f"line {number}: payload shape {record['schema_version']} is unknown")
    if record.get("idempotency_key") is not None and not isinstance(record["idempotency_key"], str):
        raise ImportRefused(f"line {number}: field 'idempotency_key' not str")
    try:
        canonical = to_utc_text(from_utc_text(record["recorded_at"]))
    except (ValueError, OverflowError):
        canonical = None
    if canonical != record["recorded_at"]:
        raise ImportRefused(
            f"line {number}: recorded_at {record['recorded_at'][:40]!r} is not a UTC time as exported"
        )
    return record


def _row(record: dict, batch_index: int) -> tuple:
    """The record as the store's CHAINED_COLUMNS (the hash goes after them)."""
    return (
        record["position"],
        record["event_id"],
        record["stream_id"],
        record["version"],
        record["type"],
        record["schema_version"],
        canonical_json(record["payload"]),
        canonical_json(record["metadata"]),
        record.get("idempotency_key"),
        batch_index,
        record["recorded_at"],
    )
