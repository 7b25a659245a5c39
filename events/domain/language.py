"""The language of a title or a sentence, as a BCP 47 tag, so pages and feeds can mark what is not English.

The story is told in English, Russian and Chinese: the script decides among them (Cyrillic, Han, Latin),
and for Chinese hanzidentifier tells simplified from traditional characters (zh-Hans, zh-Hant), which a
reader's browser and screen reader need to pick a font and a voice.
"""

from __future__ import annotations

import functools

import hanzidentifier

ENGLISH = "en"
_CHINESE = {hanzidentifier.SIMPLIFIED: "zh-Hans", hanzidentifier.TRADITIONAL: "zh-Hant"}
_HAN = (("\u4e00", "\u9fff"), ("\u3400", "\u4dbf"), ("\uf900", "\ufaff"))


def _han(char: str) -> bool:
    return any(low <= char <= high for low, high in _HAN)


@functools.lru_cache(maxsize=4096)
def language_of(text: str) -> str:
    """ "en", "ru", "zh-Hans", "zh-Hant" or "zh": the script most of the letters are written in."""
    if text.isascii():  # most titles: no Cyrillic or Han letter to count (a page's 50 cost ~20 ms before)
        return ENGLISH
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    han = sum(1 for c in text if _han(c))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    if han and han * 2 >= latin:  # a Chinese character says as much as a Latin word's few letters
        return _CHINESE.get(hanzidentifier.identify(text), "zh")  # characters both scripts share: "zh"
    if cyrillic > latin:
        return "ru"
    return ENGLISH
