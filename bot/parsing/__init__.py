"""One parser for commands, flow fields and button payloads, filling typed parameters.

A handler declares what it takes; the core tokenizes what was typed, fills each parameter, and
answers a usage error naming the bad argument otherwise. Supported annotations:

=================================  =================================================
``PersonRef``                      one mention (``@bob``, ``<@U2>``)
``list[PersonRef]``                one or more consecutive mentions
``timedelta``                      a duration: ``30m``, ``2h``, ``1d``, ``半小时``
``date`` / ``datetime``            ``fri``, ``2026-12-01``, ``明天``, ``下周一`` (+ ``18:00``)
``DateRange``                      ``12-01..12-03``, ``week``, ``本月``
``time`` / ``TimeRange``           ``19:00``, ``9am`` / ``19:00-09:00``
``Money``                          ``120``, ``¥120``, ``35.5USD``
``Literal["a", "b"]``              one of the choices
``int`` / ``str``                  a number / one word or a "quoted text"
``Rest``                           all the remaining text (a title, a note)
``Annotated[T, Opt("due")]``       a ``due:<value>`` option anywhere in the text
``Annotated[str, Choice({...})]``  one of some values, typed as itself or as its label
``Annotated[Rest, MaxLength(n)]``  a text of at most ``n`` characters
any registered type                see :func:`register_converter`
=================================  =================================================

The same parser reads a pressed button's payload into its action's parameters
(:func:`parse_payload`), a form's fields (:class:`Fields`, :func:`parse_fields`: named or in any
order, every problem reported, one per field), and one value as a parameter would be read
(:func:`parse_value`: a ``key:value`` pair a skill reads itself).

A parameter with a default is optional; optional positional parameters may come in any order.
Errors name a parameter as people know it: its :class:`Label` (``Annotated[int,
Label(_("task number"))]``), else an option as typed (``due``), else its name made readable
(``task_id`` -> ``task id``).
"""

from bot.parsing.choices import Choice
from bot.parsing.converters import (
    Converter,
    DateRange,
    MentionResolver,
    ParseEnv,
    PersonSuggester,
    TimeRange,
    convert,
    converter_of,
    pack,
    register_converter,
)
from bot.parsing.fields import FieldProblem, Fields, FieldsRead, parse_fields
from bot.parsing.parser import parse_args, parse_payload, parse_value
from bot.parsing.signature import Flag, Label, MaxLength, Opt, Param, Rest, params_of, usage_of
from bot.parsing.tokens import Token, tokenize

__all__ = [
    "Choice",
    "Converter",
    "DateRange",
    "FieldProblem",
    "Fields",
    "FieldsRead",
    "Flag",
    "Label",
    "MaxLength",
    "MentionResolver",
    "Opt",
    "Param",
    "ParseEnv",
    "PersonSuggester",
    "Rest",
    "TimeRange",
    "Token",
    "convert",
    "converter_of",
    "pack",
    "params_of",
    "parse_args",
    "parse_fields",
    "parse_payload",
    "parse_value",
    "register_converter",
    "tokenize",
    "usage_of",
]
