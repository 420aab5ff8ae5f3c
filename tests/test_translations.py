"""Every user-facing text exists in English and Simplified Chinese, with the same placeholders."""

import ast
from pathlib import Path

import pytest
import yaml

from bot.i18n import placeholders

ROOT = Path(__file__).parent.parent
# (source folder, its zh catalog): the core's texts, and each skill's next to it
CATALOGS = (
    [(ROOT / "bot", ROOT / "bot" / "locales" / "zh.yaml")]
    + [
        (d, d / "locales" / "zh.yaml")
        for d in sorted((ROOT / "skills").iterdir())
        if (d / "__init__.py").exists()
    ]
    + [
        (
            ROOT / "examples" / name / f"deskmate_{name}",
            ROOT / "examples" / name / f"deskmate_{name}" / "locales" / "zh.yaml",
        )
        for name in ("standup", "poll")
    ]
)


def msgids(folder: Path) -> set[str]:
    """The first argument of every ``_("...")`` call under ``folder``."""
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


@pytest.mark.parametrize(("folder", "catalog"), CATALOGS, ids=[f.name for f, _c in CATALOGS])
def test_every_text_has_a_chinese_translation(folder, catalog):
    zh = yaml.safe_load(catalog.read_text(encoding="utf-8")) if catalog.exists() else {}
    missing = sorted(msgids(folder) - set(zh))
    assert not missing, f"{catalog} lacks:\n" + "\n".join(f"{m!r}:" for m in missing)
    stale = sorted(set(zh) - msgids(folder))
    assert not stale, f"{catalog} has texts no code uses any more:\n" + "\n".join(stale)
    for msgid, translation in zh.items():
        assert placeholders(msgid) == placeholders(translation), msgid


def test_a_text_has_one_translation_in_all_catalogs():
    """The catalogs of the core and the skills are merged into one, so a text two catalogs
    translate differently would read wrong in one of them (attendance's "late" is 迟到, a
    task's overdue state 逾期)."""
    translations: dict[str, dict[str, str]] = {}
    for _folder, catalog in CATALOGS:
        for msgid, translation in yaml.safe_load(catalog.read_text(encoding="utf-8")).items():
            translations.setdefault(msgid, {})[catalog.parent.parent.name] = translation
    differ = {m: t for m, t in translations.items() if len(set(t.values())) > 1}
    assert not differ, "\n".join(f"{m!r}: {t}" for m, t in differ.items())
