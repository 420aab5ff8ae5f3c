"""Amounts of money with their currency: ``120``, ``¥120``, ``$12.5``, ``120CNY``, ``120元``."""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from bot.errors import BadValue, excerpt
from bot.i18n import Money, _
from bot.values.normalize import _norm

MAX_AMOUNT = Decimal(10) ** 9
CENT = Decimal("0.01")

_CURRENCY_WORDS = {"¥": "CNY", "元": "CNY", "块": "CNY", "塊": "CNY", "圆": "CNY", "圓": "CNY"}
_CURRENCY_WORDS |= {"rmb": "CNY", "人民币": "CNY", "$": "USD", "us$": "USD", "美元": "USD"}
_CURRENCY_WORDS |= {"€": "EUR", "欧元": "EUR", "£": "GBP", "英镑": "GBP", "hk$": "HKD"}
_CURRENCY_WORDS |= {"港币": "HKD", "日元": "JPY"}
_MONEY = re.compile(r"(?P<pre>[^0-9]*?) ?(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?) ?(?P<post>[^0-9]*)")
_AMOUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")


def _not_money(value: str) -> BadValue:
    return BadValue(
        _("'{value}' is not an amount — use e.g. 120, 120.50, ¥120 or $12.5", value=excerpt(value))
    )


@functools.cache
def _iso_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def _currency_code(word: str, value: str) -> str:
    if word in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[word]
    if not re.fullmatch(r"[a-z]{3}", word):
        raise _not_money(value)
    if word.upper() in _iso_currencies():
        return word.upper()
    raise BadValue(
        _(
            "'{code}' in '{value}' is not a currency — use e.g. CNY, USD, EUR, ¥ or $",
            code=excerpt(word),
            value=excerpt(value),
        )
    )


def _amount(number: str, value: str) -> Decimal:
    if not _AMOUNT.fullmatch(number):
        raise BadValue(_("'{value}' is not a number — e.g. 1,200.00 or 1200", value=excerpt(value)))
    if len(number.partition(".")[2]) > 2:
        raise BadValue(_("'{value}' has more than 2 decimals — e.g. 12.35", value=excerpt(value)))
    amount = Decimal(number.replace(",", ""))
    if amount == 0:
        raise BadValue(_("'{value}' must be more than zero — e.g. 120", value=excerpt(value)))
    if amount >= MAX_AMOUNT:
        raise BadValue(
            _(
                "'{value}' is too large — amounts stay below 1,000,000,000, e.g. 1,200.00",
                value=excerpt(value),
            )
        )
    return amount.quantize(CENT)


def parse_money(s: str, default_currency: str = "CNY") -> Money:
    """A positive amount below 10⁹ with at most 2 decimals, and its currency (ISO 4217 code).

    Reads ``120``, ``120.5``, ``1,200.00``, ``¥120``/``￥120`` (CNY), ``$12.5`` (USD), ``€5``,
    ``£5``, ``120CNY``, ``CNY120``, ``usd12``, ``120元``, ``120块``; without a currency:
    ``default_currency``.

    Example:
        >>> parse_money("$12.5")
        Money(amount=Decimal('12.50'), currency='USD')
    """
    t = _norm(s)
    match = _MONEY.fullmatch(t)
    if match is None:
        raise _not_money(s)
    pre = match["pre"].strip()
    if "-" in pre:
        raise BadValue(_("'{value}' must be more than zero — e.g. 120", value=excerpt(t)))
    words = [w for w in (pre.removeprefix("+").strip(), match["post"].strip()) if w]
    codes = {_currency_code(w, t) for w in words}
    if len(codes) > 1:
        raise BadValue(_("'{value}' names two currencies — e.g. $12.5 or 120CNY", value=excerpt(t)))
    amount = _amount(match["num"], t)
    return Money(amount, codes.pop() if codes else default_currency.upper())
