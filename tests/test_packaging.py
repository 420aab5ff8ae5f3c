"""Installing Deskmate for development (``make run``, ``make test``) prints no setuptools warning
from the project's own packaging: both projects, the core and the example skill, are built the
way ``pip install -e`` builds them, and whatever setuptools says is read."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
LEFT_OUT = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)
# how the warnings module prints one: "<file>:<line>: <Category>: <message>"
WARNING = re.compile(r"^\S+:\d+: (\w+): (.*)$", re.MULTILINE)
BUILD = "import sys; from setuptools import build_meta; build_meta.{hook}(sys.argv[1])"


@pytest.mark.parametrize("hook", ["build_editable", "build_wheel"])
@pytest.mark.parametrize("project", [".", "examples/standup", "examples/poll"])
def test_building_the_project_prints_no_setuptools_warning(tmp_path, project, hook):
    copy = tmp_path / "project"
    shutil.copytree(ROOT / project, copy, ignore=LEFT_OUT)
    built = subprocess.run(
        [sys.executable, "-W", "default", "-c", BUILD.format(hook=hook), str(tmp_path / "dist")],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert WARNING.findall(built.stderr) == [], built.stderr
    assert list((tmp_path / "dist").glob("*.whl"))
