"""Step conditions (``when: "days > 3 and amount >= 1000"``): a tiny safe language, never eval.

Grammar::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" expr ")" | comparison
    comparison := name op value          op: < <= > >= == !=
    value      := number | "quoted text" | bare-word

A name is a field of the flow (a number, a money field's amount, a date range's number of days,
a choice or a text) or one of the derived names ``days`` and ``amount``. A comparison on a field
left empty is false.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_OPS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_TOKEN = re.compile(r"\s*(?:(<=|>=|==|!=|<|>|\(|\))|\"([^\"]*)\"|'([^']*)'|([^\s()<>=!\"']+))")


class ConditionError(ValueError):
    """The condition does not parse; the message says where and what is expected."""


@dataclass(frozen=True)
class Compare:
    name: str
    op: str
    value: Decimal | str


@dataclass(frozen=True)
class Logic:
    op: str  # and | or | not
    parts: tuple[Expr, ...]


Expr = Compare | Logic


def parse(text: str) -> Expr:
    """Parse a condition or raise :class:`ConditionError`.

    Example:
        >>> parse("days > 3")
        Compare(name='days', op='>', value=Decimal('3'))
    """
    tokens = _tokens(text)
    if not tokens:
        raise ConditionError("the condition is empty — e.g. days > 3")
    parser = _Parser(tokens)
    expr = parser.expr()
    if parser.i < len(tokens):
        raise ConditionError(f"unexpected {tokens[parser.i][1]!r} — e.g. days > 3 and amount < 500")
    return expr


def names(expr: Expr) -> set[str]:
    """Every name a condition compares."""
    if isinstance(expr, Compare):
        return {expr.name}
    return set().union(*(names(p) for p in expr.parts))


def evaluate(expr: Expr, values: dict[str, Any]) -> bool:
    """Whether the condition holds for ``values`` (numbers as Decimal, texts as str)."""
    if isinstance(expr, Logic):
        results = (evaluate(p, values) for p in expr.parts)
        if expr.op == "not":
            return not next(results)
        return all(results) if expr.op == "and" else any(results)
    actual = values.get(expr.name)
    if actual is None:
        return False
    if isinstance(actual, str):
        return _compare(actual, expr.op, str(expr.value))
    if not isinstance(expr.value, Decimal):
        return False  # a number against a text: config validation refuses it
    return _compare(Decimal(actual), expr.op, expr.value)


def _compare(a: Any, op: str, b: Any) -> bool:
    return bool(_OPS[op](a, b))


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs: ``op``, ``(``, ``)``, ``str`` (quoted) or ``word``."""
    out: list[tuple[str, str]] = []
    i = 0
    text = text.strip()
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None or m.end() == i:
            raise ConditionError(f"cannot read {text[i:].strip()!r} — e.g. days > 3")
        op, dq, sq, word = m.groups()
        if op in ("(", ")"):
            out.append((op, op))
        elif op:
            out.append(("op", op))
        elif dq is not None or sq is not None:
            out.append(("str", dq if dq is not None else sq))
        else:
            out.append(("word", word))
        i = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        if tok is not None and tok[0] == "word" and tok[1].lower() == word:
            self.i += 1
            return True
        return False

    def expr(self) -> Expr:
        parts = [self.and_expr()]
        while self.keyword("or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Logic("or", tuple(parts))

    def and_expr(self) -> Expr:
        parts = [self.not_expr()]
        while self.keyword("and"):
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else Logic("and", tuple(parts))

    def not_expr(self) -> Expr:
        if self.keyword("not"):
            return Logic("not", (self.not_expr(),))
        tok = self.peek()
        if tok is not None and tok[0] == "(":
            self.i += 1
            inner = self.expr()
            if self.peek() != (")", ")"):
                raise ConditionError("a '(' is never closed — e.g. (days > 3 or amount > 500)")
            self.i += 1
            return inner
        return self.comparison()

    def comparison(self) -> Compare:
        name, op, value = self.take("word"), self.take("op"), self.take("value")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name[1]):
            raise ConditionError(f"{name[1]!r} is not a field name — e.g. days > 3")
        return Compare(name[1], op[1], _value(value))

    def take(self, kind: str) -> tuple[str, str]:
        tok = self.peek()
        wanted = {"word": "a field name", "op": "one of < <= > >= == !=", "value": "a value"}
        ok = tok is not None and (tok[0] in ("word", "str") if kind == "value" else tok[0] == kind)
        if tok is None or not ok:
            got = "the end" if tok is None else repr(tok[1])
            raise ConditionError(f"expected {wanted[kind]}, got {got} — e.g. days > 3")
        self.i += 1
        return tok


def _value(token: tuple[str, str]) -> Decimal | str:
    kind, text = token
    if kind == "str":
        return text
    try:
        return Decimal(text)
    except InvalidOperation:
        return text
