"""Internal names said in plain words for people: who made a change, where a fact comes from."""

from __future__ import annotations


def who(actor: str | None) -> str:
    """Who made a change, in words: "editor ann", "the news feed tass-world", not editor:ann or feed:tass-world."""
    kind, _, name = (actor or "").partition(":")
    if kind == "editor" and name:
        return f"editor {name}"
    if kind == "feed" and name:
        return f"the news feed “{name}”"
    return _ACTORS.get(actor or "", actor or "someone unnamed")


_ACTORS = {
    "seed": "the timeline's curated starting set",
    "cli": "an operator, on the command line",
    "import": "an import of an earlier export",
}
ORIGINS = {
    "seed": "One of the curated facts the timeline starts with, written from two articles.",
    "feed": "Found in a news feed by machine.",
    "manual": "Written by an editor.",
}


def origin_words(origin: str) -> str:
    return ORIGINS.get(origin, origin)


UNEXPECTED = "poll failed: "  # what poll.py prefixes to an exception it did not expect


def poll_error(text: str) -> str:
    """A poll's error for the public /feeds page: an unexpected exception's text stays with the operator."""
    if text.startswith(UNEXPECTED):
        return "the poll stopped on an unexpected error; the operator sees the details in `timeline feeds` and the server's log"
    return text
