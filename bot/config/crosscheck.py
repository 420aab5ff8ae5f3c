"""Checks across the validated config: duplicate people and accounts, roles, person handles,
and what a skill's settings say about another skill's (:class:`CrossChecked`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from types import UnionType
from typing import (
    Annotated,
    Any,
    Literal,
    Protocol,
    Union,
    get_args,
    get_origin,
    runtime_checkable,
)

from pydantic import BaseModel

from bot.config.fields import _PERSON_REF, _unknown_person
from bot.config.models import PersonConfig
from bot.config.problems import Loc, Problem
from bot.config.schema import _item_type


@runtime_checkable
class CrossChecked(Protocol):
    """A skill's settings model that checks itself against the other enabled skills' settings
    (a leave type against the approval flows that offer it): each problem is a key path from
    the top of the file (``("skills", "leave", "flows", 0)``) and a message."""

    def cross_check(self, skills: Mapping[str, BaseModel]) -> Iterable[Problem]: ...


def _check_skills(settings: Mapping[str, BaseModel], enabled: Any) -> list[Problem]:
    """Every enabled skill's :meth:`CrossChecked.cross_check` (all skills when ``skills.enabled``
    is not given), given the settings of the enabled skills that validated."""
    chosen = set(enabled) if isinstance(enabled, list) else None
    valid = {n: s for n, s in settings.items() if chosen is None or n in chosen}
    problems: list[Problem] = []
    for checked in valid.values():
        if isinstance(checked, CrossChecked):
            problems += checked.cross_check(valid)
    return problems


def _raw_ids(data: dict[str, Any]) -> list[tuple[int, str]]:
    """``(index, id)`` of every person written with a string id, valid or not."""
    people = data.get("people")
    if not isinstance(people, list):
        return []
    return [
        (i, entry["id"])
        for i, entry in enumerate(people)
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    ]


def _check_people(
    people: list[tuple[int, PersonConfig]], raw_ids: list[tuple[int, str]], roles: set[str]
) -> list[Problem]:
    problems = _duplicate_ids(raw_ids) + _duplicate_accounts(people) + _shared_emails(people)
    known = ", ".join(sorted(roles)) or "none"
    for i, person in people:
        if person.manager is not None and person.manager == person.id:
            problems.append((("people", i, "manager"), "a person cannot be their own manager"))
        if person.successor is not None and person.successor == person.id:
            message = "a person cannot be their own successor — name who takes their work over"
            problems.append((("people", i, "successor"), message))
        elif person.successor is not None and person.left_on is None:
            message = "a successor takes over when someone leaves — give left_on too"
            problems.append((("people", i, "successor"), message))
        for j, role in enumerate(person.roles):
            if role not in roles:
                problems.append(
                    (("people", i, "roles", j), f"unknown role {role!r} — known roles: {known}")
                )
    return problems


def _shared_emails(people: list[tuple[int, PersonConfig]]) -> list[Problem]:
    """Two people with one e-mail: an account would be linked to neither (bot.matching). Someone
    with ``left_on:`` gives theirs up (matching leaves who left aside): it may be re-hired's."""
    first: dict[str, tuple[int, str]] = {}
    problems: list[Problem] = []
    for i, person in people:
        email = (person.email or "").lower() if person.left_on is None else ""
        if email and email in first:
            j, other = first[email]
            message = (
                f"{person.email!r} is also the e-mail of {other} (people[{j}]) — give each "
                "person their own: an account with that e-mail would be linked to neither"
            )
            problems.append((("people", i, "email"), message))
        elif email:
            first[email] = (i, person.id)
    return problems


def _duplicate_ids(raw_ids: list[tuple[int, str]]) -> list[Problem]:
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for i, person_id in raw_ids:
        if person_id in first:
            message = f"duplicate person id {person_id!r} (also people[{first[person_id]}])"
            problems.append((("people", i, "id"), message))
        first.setdefault(person_id, i)
    return problems


def _duplicate_accounts(people: list[tuple[int, PersonConfig]]) -> list[Problem]:
    owner: dict[tuple[str, str], tuple[int, str]] = {}
    problems: list[Problem] = []
    for i, person in people:
        for platform, account in person.accounts.items():
            if (platform, account) in owner:
                j, other = owner[platform, account]
                message = f"{platform} account {account!r} is also used by {other!r} (people[{j}])"
                problems.append((("people", i, "accounts", platform), message))
            owner.setdefault((platform, account), (i, person.id))
    return problems


def _check_handles(roots: list[tuple[Loc, BaseModel]], known: set[str]) -> list[Problem]:
    """Every :data:`PersonHandle` under ``roots`` must be a known person id.

    Values read from the file were checked while validating; this walk also catches the defaults
    a skill declares (pydantic never validates those).
    """
    problems: list[Problem] = []
    for prefix, model in roots:
        for loc, handle in _model_handles(model, prefix):
            if handle not in known:
                problems.append((loc, _unknown_person(handle, known)))
    return problems


def _model_handles(model: BaseModel, path: Loc) -> Iterator[tuple[Loc, str]]:
    for name, key, annotation, handle in _walked_fields(type(model)):
        yield from _value_handles(getattr(model, name), annotation, (*path, key), handle)


@cache
def _walked_fields(model: type[BaseModel]) -> list[tuple[str, str, Any, bool]]:
    """``(name, key, annotation, is a handle)`` of the fields of ``model`` that may hold a person
    handle; the others are not walked (10,000 people have a manager each, and nine fields
    that cannot name anyone)."""
    walked = []
    for name, field in model.model_fields.items():
        handle = any(meta is _PERSON_REF for meta in field.metadata)
        if handle or _may_hold_handles(field.annotation):
            walked.append((name, field.alias or name, field.annotation, handle))
    return walked


def _may_hold_handles(annotation: Any) -> bool:
    """Whether a value of this type may hold a :data:`PersonHandle`: a handle, a model, a
    container or union of those, or a type not known here (``Any``: walked, to be safe)."""
    if annotation is Any:
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        return any(meta is _PERSON_REF for meta in metadata) or _may_hold_handles(inner)
    if origin is Literal:
        return False
    if origin is not None:
        return any(_may_hold_handles(arg) for arg in get_args(annotation) if arg is not ...)
    if isinstance(annotation, type):
        return issubclass(annotation, BaseModel) or annotation is object
    return True


def _value_handles(
    value: Any, annotation: Any, path: Loc, handle: bool
) -> Iterator[tuple[Loc, str]]:
    """The person handles in ``value``, guided by its declared ``annotation``."""
    if isinstance(value, BaseModel):
        yield from _model_handles(value, path)
        return
    annotation, handle = _resolve(annotation, value, handle)
    args = get_args(annotation)
    if isinstance(value, str):
        if handle:
            yield path, value
    elif isinstance(value, Mapping):
        key_type, value_type = args if len(args) == 2 else (Any, Any)
        for key, item in value.items():
            if isinstance(key, str) and _resolve(key_type, key, False)[1]:
                yield (*path, key), key
            yield from _value_handles(item, value_type, (*path, str(key)), False)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            yield from _value_handles(item, _item_type(args, i), (*path, i), False)


def _resolve(annotation: Any, value: Any, handle: bool) -> tuple[Any, bool]:
    """Strip ``Annotated`` (noting a person marker) and pick the union member ``value`` fits."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *metadata = get_args(annotation)
            handle = handle or any(meta is _PERSON_REF for meta in metadata)
        elif origin is Union or origin is UnionType:
            fits = [arg for arg in get_args(annotation) if _fits(arg, value)]
            annotation = fits[0] if fits else Any
        else:
            return annotation, handle


def _fits(annotation: Any, value: Any) -> bool:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    kind = get_origin(annotation) or annotation
    return isinstance(kind, type) and isinstance(value, kind)
