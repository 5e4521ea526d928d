"""The term matcher: lexicon terms and phrase patterns found in a text, with their context rules.

Built once per :class:`~assistant.engines.review.reviewer.Reviewer` (custom terms from the config
are added to the default lexicon) and shared through :func:`default_matcher` otherwise. The terms
are compiled into one trie-shaped regular expression, so a value is scanned once whatever the size
of the lexicon.

Example:
    >>> [(s, e, t.code) for s, e, t in default_matcher().find("推动党内关爱进一步提升", field="value")]
    [(0, 2, 'DIRECTION'), (6, 11, 'DIRECTION')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ...caching import BoundedCache
from ...records.schema import Field
from .lexicon import DEFERRED_PATTERNS, DEGREE_PATTERNS, DIRECTION_PATTERNS, METRIC_SUFFIXES, TERMS, Term


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression equivalent to ``a|b|…`` but shaped as a trie (longest match first).

    Example:
        >>> re.findall(_trie_pattern(["提高", "提升", "提"]), "提升提高提")
        ['提升', '提高', '提']
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


class TermMatcher:
    """Finds lexicon terms in a text with their context rules (see :mod:`lexicon`).

    Built once per :class:`~assistant.engines.review.reviewer.Reviewer` (custom terms from the
    config are added to the default lexicon).
    """

    def __init__(self, terms: Mapping[str, Term] | None = None):
        self.terms: dict[str, Term] = dict(TERMS if terms is None else terms)
        self._pattern = re.compile(_trie_pattern(self.terms))
        self._patterns = tuple(
            (re.compile("|".join(f"(?:{p})" for p in patterns)), code)
            for patterns, code in (
                (DEFERRED_PATTERNS, "DEFERRED"),
                (DIRECTION_PATTERNS, "DIRECTION"),
                (DEGREE_PATTERNS, "DEGREE"),
            )
        )
        self.first_chars = frozenset(t[0] for t in self.terms)
        # per-matcher caches filled by :mod:`rules` (results depend on the lexicon, hence live here)
        self.facts_cache: BoundedCache[tuple[str, frozenset[str]], Any] = BoundedCache(200_000)
        self.name_cache: BoundedCache[tuple[str, frozenset[str]], Any] = BoundedCache(100_000)
        self.strong_cache: BoundedCache[tuple, Any] = BoundedCache(200_000)

    def find(
        self, text: str, *, field: Field, allowed: frozenset[str] = frozenset()
    ) -> list[tuple[int, int, Term]]:
        """Terms in normalised ``text`` after context rules, as (start, end, term), merged per code."""
        found: list[tuple[int, int, Term]] = []
        for m in self._pattern.finditer(text):
            term = self.terms[m.group(0)]
            start, end = m.start(), m.end()
            if term.text in allowed or not _context_keeps(text, start, end, term):
                continue
            found.append((start, end, term))
        if field == "value":
            for pattern, code in self._patterns:
                for m in pattern.finditer(text):
                    if m.group(0) not in allowed:
                        found.append((m.start(), m.end(), Term(m.group(0), code)))
        return _merge(found)


def _context_keeps(text: str, start: int, end: int, term: Term) -> bool:
    after = text[end : end + 4]
    if term.context == "metric":
        for k in range(0, 3):
            if text.startswith(METRIC_SUFFIXES, end + k):
                return False
    elif term.context == "rate":
        if after[:1] == "率":
            return False
    elif term.context == "satisfied":
        if after[:1] in ("度", "率") or after.startswith(("的比例", "人数", "的人数")):
            return False
        before = text[:start].rstrip()
        if before and (before[-1].isdigit() or before[-1] in "%‰分"):
            return False
        if before.endswith("不"):
            return False
    return True


def _merge(found: list[tuple[int, int, Term]]) -> list[tuple[int, int, Term]]:
    """Merge touching or overlapping hits of one code (进一步 + 提升 → 进一步提升), then drop hits lying
    inside a longer hit of another code (有效 inside 得到有效提升)."""
    if len(found) < 2:
        return found
    found.sort(key=lambda x: (x[0], -x[1]))
    merged: list[tuple[int, int, Term]] = []
    last: dict[str, int] = {}
    for start, end, term in found:
        k = last.get(term.code)
        if k is not None:
            ps, pe, pt = merged[k]
            if start <= pe:
                if end > pe:
                    text = pt.text + term.text[pe - start :]
                    merged[k] = (ps, end, Term(text, pt.code, pt.context, pt.weak and term.weak))
                continue
        last[term.code] = len(merged)
        merged.append((start, end, term))
    return [
        (s0, e0, t0)
        for s0, e0, t0 in merged
        if not any(s1 <= s0 and e0 <= e1 and (e1 - s1) > (e0 - s0) for s1, e1, _ in merged)
    ]


_DEFAULT_MATCHER: TermMatcher | None = None


def default_matcher() -> TermMatcher:
    """The matcher over the built-in lexicon (built once per process)."""
    global _DEFAULT_MATCHER
    if _DEFAULT_MATCHER is None:
        _DEFAULT_MATCHER = TermMatcher()
    return _DEFAULT_MATCHER
