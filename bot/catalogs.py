"""The texts of the core and of every skill, in every language, as one catalog."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import Catalog
from bot.skill import Skill

CORE_LOCALES = Path(__file__).parent / "locales"


def catalog_of(skills: list[Skill]) -> Catalog:
    """The core's texts and every skill's, in every language."""
    catalog = Catalog()
    catalog.add_directory(CORE_LOCALES)
    for skill in skills:
        if skill.translations:
            catalog.add_directory(skill.translations)
    return catalog
