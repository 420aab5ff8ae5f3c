"""Did you mean …? The nearest of some known words to one typed wrong (a config key, a person's
id, a command, someone's name), by how much of it they share (:mod:`difflib`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

CUTOFF = 0.6  # below this, two words have too little in common for a suggestion to help


def closest(word: str, choices: Iterable[str], *, cutoff: float = CUTOFF) -> str | None:
    """The choice most like ``word`` (case as given), or ``None`` when none is close."""
    found = difflib.get_close_matches(word, list(dict.fromkeys(choices)), n=1, cutoff=cutoff)
    return found[0] if found else None


def closest_person(
    typed: str,
    people: Sequence[tuple[int | None, str, str]],
    usernames: Sequence[tuple[int, str | None]],
) -> tuple[str, str] | None:
    """Whom ``@typed`` most likely meant among ``people`` (id, handle, name) with their
    ``usernames`` on the platform (person id, username): the one whose username, handle or name
    (or a word of it: ``@erin`` for Erin Xu) is nearest. How to mention them there (``@bob``)
    and their name; ``None`` when nobody is close."""
    typed_as = {person_id: str(username) for person_id, username in usernames}
    known: dict[str, int] = {}  # a word people might type -> the person's id
    for person_id, username in typed_as.items():
        known.setdefault(username.lower(), person_id)
    names = {row_id or 0: (handle, name) for row_id, handle, name in people}
    for person_id, (handle, _name) in names.items():
        known.setdefault(handle.lower(), person_id)
    for person_id, (_handle, name) in names.items():
        words = name.lower().split()
        for word in ["".join(words), *words]:
            known.setdefault(word, person_id)
    meant = closest(typed.lower(), known)
    if meant is None:
        return None
    handle, name = names[known[meant]]
    return f"@{typed_as.get(known[meant], handle)}", name
