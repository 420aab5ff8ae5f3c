"""Translation: the catalogs (``{msgid: translation}``, one YAML file per skill and language) and
the translator that renders a :class:`Text` for a reader.

The English text is the message id; other languages come from the catalogs. The texts and the
values placed in them live in :mod:`bot.texts` (re-exported here: skills write
``from bot.i18n import _`` or ``from bot import _``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.markup import plain_text, render
from bot.texts import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Locale,
    Localized,
    Mention,
    Money,
    Relative,
    Text,
    TextLike,
    Zoned,
    _,
    format_duration,
    format_value,
    normalize_language,
    placeholders,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Catalog",
    "Locale",
    "Localized",
    "Mention",
    "Money",
    "Relative",
    "Text",
    "TextLike",
    "Translator",
    "Zoned",
    "_",
    "format_duration",
    "format_value",
    "normalize_language",
    "placeholders",
]


class Catalog:
    """Translations per language: ``{language: {msgid: translation}}``, merged from many files."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}

    def add(self, language: str, entries: Mapping[str, str]) -> None:
        lang = normalize_language(language)
        if lang is None:
            raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
        self._entries[lang].update(entries)

    def add_directory(self, directory: Path) -> None:
        """Load ``<directory>/<language>.yaml`` files (a mapping of English text to translation)."""
        for lang in LANGUAGES:
            path = directory / f"{lang}.yaml"
            if path.exists():
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                if not isinstance(data, dict):
                    raise ValueError(f"{path}: expected a mapping of English text to translation")
                self.add(lang, {str(k): str(v) for k, v in data.items()})

    def lookup(self, msgid: str, language: str) -> str:
        return self._entries.get(language, {}).get(msgid, msgid)

    def msgids(self, language: str) -> set[str]:
        return set(self._entries.get(language, {}))


class Translator:
    """Renders texts for a reader. Output is a plain string with the markup subset kept
    (``*bold*``, ``_italic_``, `` `code` ``) and values already formatted; see :mod:`bot.markup`
    for rendering into spans that keep user text apart from markup."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def template(self, text: Text, language: str) -> str:
        return self.catalog.lookup(text.msgid, language)

    def format_value(self, value: Any, loc: Locale) -> str:
        return format_value(value, loc)

    def __call__(self, text: TextLike, loc: Locale) -> str:
        """Render to plain text (mentions as ``@name``); for logs, CLI output and tests."""
        return plain_text(render(text, self, loc))
