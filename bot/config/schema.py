"""Where in the models a key path leads: the annotation there, its keys and allowed values."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from bot.config.problems import Loc


def _item_type(args: tuple[Any, ...], index: int) -> Any:
    if not args:
        return Any
    if len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return args[index] if index < len(args) else args[-1]


def _members(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: ``Annotated`` stripped, unions split, ``None`` dropped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is UnionType:
        return [m for arg in get_args(annotation) if arg is not NoneType for m in _members(arg)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _step(annotation: Any, part: str | int) -> Any:
    """The annotation one step down ``part`` (a field, a list index or a dict key)."""
    for member in _members(annotation):
        origin, args = get_origin(member), get_args(member)
        if _is_model(member) and isinstance(part, str):
            fields = {field.alias or name: field for name, field in member.model_fields.items()}
            if part in fields:
                return fields[part].annotation
        elif origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
            return _item_type(args, part)
        elif origin in (dict, Mapping) and len(args) == 2:
            return args[1]
    return None


def _annotation_at(root: type[BaseModel], loc: Loc) -> Any:
    annotation: Any = root
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    return annotation


def _keys_at(root: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model(s) at ``loc`` accept, for a did-you-mean."""
    members = _members(_annotation_at(root, loc))
    return [name for member in members if _is_model(member) for name in _field_names(member)]


def _choices_at(root: type[BaseModel], loc: Loc, *, key: bool = False) -> list[str]:
    """The allowed values (``Literal`` or ``Enum``) at ``loc``, or of the dict key at ``loc``."""
    annotation = _annotation_at(root, loc[:-1] if key else loc)
    if key:
        dicts = [m for m in _members(annotation) if get_origin(m) in (dict, Mapping)]
        annotation = get_args(dicts[0])[0] if dicts else None
    choices: list[str] = []
    for member in _members(annotation):
        if get_origin(member) is Literal:
            choices += [str(arg) for arg in get_args(member)]
        elif isinstance(member, type) and issubclass(member, enum.Enum):
            choices += [str(item.value) for item in member]
    return choices
