"""The layout keeps its promises: arrows point down, one writer of the log, small functions, one style."""

from __future__ import annotations

import ast
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("events", "timeline")
BIN = Path(sys.executable).parent
# SQL that changes the log table; the triggers' "BEFORE UPDATE ON events" is not such a statement.
WRITES_THE_LOG = re.compile(
    r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+events\b(?!_)", re.IGNORECASE
)
THE_LOG_WRITERS = (Path("events/log/store.py"), Path("events/log/postgres.py"))  # one store per backend


def source_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    command = [str(BIN / "lint-imports"), "--no-cache"]
    env = {"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def test_the_import_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("events/log/clock.py", "import timeline"),  # the core reaching up into the app
        ("events/domain/dates.py", "import flask"),  # the core reaching for the web framework
        ("events/read/search.py", "import events.pipeline.tagging"),  # two siblings that stay apart
        ("timeline/ingest/fetch.py", "import timeline.web.pages"),  # ingest reaching up into pages
    ],
)
def test_the_import_contract_refuses_a_back_edge(tmp_path, module, line):
    """The contract is not a formality: one back-edge in a copy of the tree breaks it."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "broken" in result.stdout, result.stdout


def test_only_the_store_writes_the_log():
    writers = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in source_files()
        if path.relative_to(ROOT) not in THE_LOG_WRITERS
        for text in [path.read_text(encoding="utf-8")]
        for match in WRITES_THE_LOG.finditer(text)
    ]
    assert writers == []
    for writer in THE_LOG_WRITERS:  # the check can see one
        assert WRITES_THE_LOG.search((ROOT / writer).read_text(encoding="utf-8")), writer


def function_sizes() -> list[tuple[int, str, ast.AST, list[str]]]:
    found = []
    for path in source_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                found.append((size, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", node, lines))
    return found


def says_why_it_is_long(node: ast.AST, lines: list[str]) -> bool:
    """A docstring or a comment on the def line that says 'long' and why."""
    doc = ast.get_docstring(node) or ""
    return "long" in doc.lower() or "long" in lines[node.lineno - 1].lower()


def test_functions_stay_small():
    sizes = function_sizes()
    assert len(sizes) > 300  # the walk found the code
    assert statistics.median(size for size, *_ in sizes) < 12
    long_without_a_reason = [
        name for size, name, node, lines in sizes if size > 60 and not says_why_it_is_long(node, lines)
    ]
    assert long_without_a_reason == []


def test_every_fmt_skip_says_why():
    """Ruff honours '# why # fmt: skip' (a reason after the pragma turns the pragma off)."""
    unexplained = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.glob("**/*.py"))
        if not {".venv", "var", "test-artifacts"} & set(path.relative_to(ROOT).parts)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"#\s*fmt:\s*skip\s*$", line) and not re.search(r"#\s*\w[^#]*#\s*fmt:\s*skip\s*$", line)
    ]
    assert unexplained == []


def run_ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "ruff"), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_ruff_check_finds_nothing():
    result = run_ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_tree_is_formatted():
    result = run_ruff("format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-3000:]
