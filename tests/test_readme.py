"""The README's two set-up commands are the ones CI runs and that work."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    readme = (REPO / "README.md").read_text()
    head = readme.split("## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", head)


def test_readme_opens_with_exactly_two_setup_commands() -> None:
    commands = setup_commands()
    assert len(commands) == 2, commands
    install_and_serve, install_and_test = commands
    assert install_and_serve.endswith("task-tracker serve")
    assert "pytest" in install_and_test


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert setup_commands()[1] in ci


def test_dockerfile_installs_with_the_readme_command() -> None:
    run_lines = [
        line.removeprefix("RUN ")
        for line in (REPO / "Dockerfile").read_text().splitlines()
        if line.startswith("RUN ")
    ]
    assert len(run_lines) == 1
    assert setup_commands()[0].startswith(run_lines[0] + " && ")
