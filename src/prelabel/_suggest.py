"""Close-match suggestions for error messages ("did you mean ...")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(word: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """Up to ``limit`` candidates that look like ``word``, best first; case-insensitive first.

    >>> close_matches("airplane", ["Airplane", "Car"])
    ['Airplane']
    """
    pool = list(dict.fromkeys(candidates))
    lowered = {c.lower(): c for c in pool}
    exact_ci = [lowered[word.lower()]] if word.lower() in lowered else []
    fuzzy = difflib.get_close_matches(word, pool, n=limit, cutoff=0.6)
    fuzzy_ci = [lowered[m] for m in difflib.get_close_matches(word.lower(), list(lowered), n=limit)]
    return list(dict.fromkeys(exact_ci + fuzzy + fuzzy_ci))[:limit]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ``"; did you mean 'X'?"`` suffix, or ``""`` when nothing is close.

    >>> did_you_mean("lable", ["label", "image"])
    "; did you mean 'label'?"
    """
    matches = close_matches(word, candidates)
    if not matches:
        return ""
    return "; did you mean " + " or ".join(repr(m) for m in matches) + "?"


def quote_list(items: Iterable[str], *, limit: int = 10) -> str:
    """Quote a list for a message, summarized past ``limit`` items.

    >>> quote_list(["a", "b"])
    "'a', 'b'"
    >>> quote_list([str(i) for i in range(12)], limit=3)
    "'0', '1', '2' ... (12 in all)"
    """
    seq = list(items)
    shown = ", ".join(repr(x) for x in seq[:limit])
    return shown if len(seq) <= limit else f"{shown} ... ({len(seq)} in all)"
