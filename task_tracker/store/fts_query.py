"""What a person typed into search_tasks, as a safe FTS5 query (SQLite's search backend)."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_TERMS = 32
MAX_EXCLUDED_TERMS = 8

# A quoted phrase (an unbalanced quote runs to the end) or a run of non-space characters.
_QUERY_PART = re.compile(r'"([^"]*)"?|([^\s"]+)')
_HAS_WORD = re.compile(r"[^\W_]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
# Typed as operators out of habit; searching for them as words would only lose matches.
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class FtsQuery:
    match: str  # the whole query
    wanted: str  # without the exclusions: what a field must hold to count as a hit there
    spread: bool  # several words or a phrase, not one word (or one prefix)
    excluded: str | None = None  # any of the -words, or None if there are none


def to_fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query, or None if it has no words."""
    parsed = parse_query(text)
    return parsed.match if parsed is not None else None


def parse_query(text: str) -> FtsQuery | None:
    """Turn what a person typed into a safe FTS5 query, or None if it has no words.

    Supported: words (all must match, in any field, any form: "deploying" finds "deploy"),
    "quoted phrases", -word to exclude, and the last word matching as a prefix while typing.
    Everything else (operators, *, :, parentheses, stray quotes) is treated as plain text:
    every part is passed to FTS5 as a quoted string, so no input is FTS syntax.
    """
    text = _CONTROL_CHARS.sub(" ", text)  # FTS5 strings cannot hold NUL; none mean anything
    parts = list(_QUERY_PART.finditer(text))
    typing_last_word = bool(text) and not text[-1].isspace()
    include: list[str] = []
    exclude: list[str] = []
    multiword_phrase = False
    for index, part in enumerate(parts):
        phrase, word = part.group(1), part.group(2)
        excluded = word is not None and word.startswith("-") and len(word) > 1
        body = word[1:] if excluded else (word if word is not None else phrase)
        if not _HAS_WORD.search(body) or (word is not None and word in _OPERATOR_WORDS):
            continue
        term = _fts_string(body)
        if excluded:
            exclude.append(term)
            continue
        if word is not None and index == len(parts) - 1 and typing_last_word:
            # The word as typed so far, or (stemmed) as a whole word.
            term = f"({term}* OR {term})"
        multiword_phrase |= word is None and len(body.split()) > 1
        include.append(term)
    if not include:
        return None
    wanted = " AND ".join(include[:MAX_QUERY_TERMS])
    query = wanted
    excluded = " OR ".join(exclude[:MAX_EXCLUDED_TERMS]) or None
    if excluded:
        query = f"({wanted}) NOT ({excluded})"
    spread = len(include) > 1 or multiword_phrase
    return FtsQuery(match=query, wanted=wanted, spread=spread, excluded=excluded)
