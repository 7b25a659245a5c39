"""The curated seed facts shipped with the package, appended once each."""

from __future__ import annotations

import json
from importlib import resources

from events.domain.fact import fact_recorded, validate_fact
from events.log.ids import stable_id
from events.log.model import NewEvent, StreamAppend
from events.log.store import EventStore


def load_seed_file() -> dict:
    return json.loads(resources.files("events.data").joinpath("seed_facts.json").read_text("utf-8"))


def seed_events() -> list[tuple[str, str, NewEvent]]:
    """(idempotency key, fact id, event) for every seed fact, citing its article."""
    data = load_seed_file()
    out = []
    for fact in data["facts"]:
        article = data["articles"][fact["article"]]
        source = {
            "url": article["url"],
            "title": article["title"],
            "outlet": article["outlet"],
            "published": article["published"],
        }
        fields = {k: fact.get(k) for k in ("date", "end_date", "title", "summary", "tags")}
        fields = validate_fact(fields | {"sources": [source]}, require_source_url=False)
        fact_id = stable_id("seed", fact["key"])
        event = fact_recorded(fact_id, fields, "seed")
        event = NewEvent(
            event.type, event.payload, {"actor": "seed", "seed": fact["key"], "article": fact["article"]}
        )
        out.append((f"seed:{fact['key']}", fact_id, event))
    return out


def append_seeds(store: EventStore) -> int:
    """Append the seed facts not yet in the log; returns how many were new."""
    added = 0
    for key, fact_id, event in seed_events():
        result = store.append([StreamAppend(fact_id, (event,), 0)], idempotency_key=key)
        added += not result.replayed
    return added
