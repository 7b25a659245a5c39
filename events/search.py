"""Turn what a person typed into a safe FTS5 query: words only, never raw MATCH syntax."""

from __future__ import annotations

import re

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Every word must match (implicit AND), each quoted, the last one as a prefix.

    Operators (AND, OR, NOT, NEAR), quotes, column filters and minus signs
    typed by a user become plain words or vanish, so no input can make a
    syntax error. None when nothing searchable is left.
    """
    words = _WORD.findall(text or "")[:MAX_TERMS]
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)
