"""The project's own promises: the README's commands, CI, style, the public API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import stance

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_starts_with_two_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    assert "pip install ." in commands[0] and "stance " in commands[0]
    assert "pip install -e '.[test]'" in commands[1] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    assert _readme_commands()[1] in (ROOT / ".ci" / "run").read_text()


def test_public_api():
    assert stance.LABELS == ("pressuring", "resisting", "neutral")
    for name in stance.__all__:
        assert hasattr(stance, name), name
    assert issubclass(stance.StanceError, Exception)


def test_ruff_is_clean():
    for args in (["check", "."], ["format", "--check", "."]):
        run = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
