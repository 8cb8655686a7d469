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


def has_word(text: str) -> bool:
    """Whether the text holds a character the index reads as part of a word."""
    return _HAS_WORD.search(text) is not None


def fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class FtsQuery:
    match: str  # the whole query
    wanted: str  # without the exclusions: what a field must hold to count as a hit there
    spread: bool  # several words or a phrase, not one word (or one prefix)
    excluded: str | None = None  # any of the -words, or None if there are none


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    phrase: bool  # quoted: these words in this order
    prefix: bool  # the last word as typed so far: also words that start with it


@dataclass(frozen=True, slots=True)
class Terms:
    """What a person typed, as terms any search backend can render: every `wanted` one must
    match; none of the `excluded` words may."""

    wanted: list[Term]
    excluded: list[str]


def query_terms(text: str) -> Terms | None:
    """The terms of what a person typed, or None if it has no words.

    Supported: words (all must match, in any field, any form: "deploying" finds "deploy"),
    "quoted phrases", -word to exclude, and the last word matching as a prefix while typing.
    Everything else (operators, *, :, parentheses, stray quotes) is plain text or ignored.
    """
    text = _CONTROL_CHARS.sub(" ", text)  # FTS5 strings cannot hold NUL; none mean anything
    parts = list(_QUERY_PART.finditer(text))
    typing_last_word = bool(text) and not text[-1].isspace()
    wanted: list[Term] = []
    excluded: list[str] = []
    for index, part in enumerate(parts):
        phrase, word = part.group(1), part.group(2)
        is_excluded = word is not None and word.startswith("-") and len(word) > 1
        body = word[1:] if is_excluded else (word if word is not None else phrase)
        if not _HAS_WORD.search(body) or (word is not None and word in _OPERATOR_WORDS):
            continue
        if is_excluded:
            excluded.append(body)
            continue
        prefix = word is not None and index == len(parts) - 1 and typing_last_word
        wanted.append(Term(body, phrase=word is None, prefix=prefix))
    if not wanted:
        return None
    return Terms(wanted=wanted[:MAX_QUERY_TERMS], excluded=excluded[:MAX_EXCLUDED_TERMS])


def to_fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query, or None if it has no words."""
    parsed = parse_query(text)
    return parsed.match if parsed is not None else None


def parse_query(text: str) -> FtsQuery | None:
    """What a person typed (see query_terms) as a safe FTS5 query, or None if it has no
    words: every part is passed to FTS5 as a quoted string, so no input is FTS syntax."""
    terms = query_terms(text)
    if terms is None:
        return None
    include = []
    for term in terms.wanted:
        quoted = fts_string(term.text)
        # The word as typed so far, or (stemmed) as a whole word.
        include.append(f"({quoted}* OR {quoted})" if term.prefix else quoted)
    wanted = " AND ".join(include)
    query = wanted
    excluded = " OR ".join(fts_string(word) for word in terms.excluded) or None
    if excluded:
        query = f"({wanted}) NOT ({excluded})"
    multiword_phrase = any(t.phrase and len(t.text.split()) > 1 for t in terms.wanted)
    spread = len(include) > 1 or multiword_phrase
    return FtsQuery(match=query, wanted=wanted, spread=spread, excluded=excluded)
