"""Did you mean …? The nearest of some known words to one typed wrong (a config key, a person's
id, a command, someone's name), by how much of it they share (:mod:`difflib`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6  # below this, two words have too little in common for a suggestion to help


def closest(word: str, choices: Iterable[str], *, cutoff: float = CUTOFF) -> str | None:
    """The choice most like ``word`` (case as given), or ``None`` when none is close."""
    found = difflib.get_close_matches(word, list(dict.fromkeys(choices)), n=1, cutoff=cutoff)
    return found[0] if found else None
