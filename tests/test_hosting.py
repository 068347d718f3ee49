"""Ready for hosting: one pinned dependency file, a container in Streamlit's pattern,
and a read-only mode that writes nothing. No Docker engine runs here, so the
container's own start command is run directly, as the image would run it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from streamlit.testing.v1 import AppTest

from .browser import (
    Watch,
    free_port,
    map_frame,
    offline_context,
    serve,
)
from .conftest import ROOT, SEED_EVENTS

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    pairs = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {normalise(name): version for name, version in pairs}


def test_requirements_pin_every_dependency_within_its_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = pins()
    for requirement in project["dependencies"]:
        name, bound = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement).groups()
        version = pinned.get(normalise(name))
        assert version, f"{name} is not pinned in requirements.txt"
        as_tuple = [tuple(int(p) for p in v.split(".")[:3]) for v in (version, bound)]
        assert as_tuple[0] >= as_tuple[1], f"{name}=={version} is below {bound}"


def dockerfile_entrypoint() -> list[str]:
    line = next(x for x in DOCKERFILE.splitlines() if x.startswith("ENTRYPOINT"))
    return json.loads(line.removeprefix("ENTRYPOINT"))


def dockerfile_env() -> dict[str, str]:
    block = re.search(r"^ENV (.*?)(?:\n\n|\nRUN)", DOCKERFILE, re.M | re.S).group(1)
    pairs = shlex.split(block.replace("\\\n", " "))
    return dict(pair.split("=", 1) for pair in pairs)


def test_dockerfile_follows_streamlits_pattern() -> None:
    assert DOCKERFILE.startswith("#") and "FROM python:3.11-slim" in DOCKERFILE
    assert "HEALTHCHECK CMD curl --fail http://localhost:8501/_stcore/health" in DOCKERFILE
    assert "EXPOSE 8501" in DOCKERFILE
    assert "pip3 install --no-cache-dir -r requirements.txt" in DOCKERFILE
    assert "RUN python -m geo.index" in DOCKERFILE  # the index is built into the image
    assert dockerfile_entrypoint()[:3] == ["streamlit", "run", "dashboard.py"]
    assert dockerfile_env()["NEWSMAP_READ_ONLY"] == "1"


def tree_state(folder: Path) -> dict[str, float]:
    skip = {".git", ".venv", "artifacts", "__pycache__", ".pytest_cache", ".ruff_cache"}
    state = {}
    for path in folder.rglob("*"):
        if skip & set(path.relative_to(folder).parts) or not path.is_file():
            continue
        state[str(path)] = path.stat().st_mtime_ns
    return state


@pytest.mark.browser
def test_container_start_command_serves_a_read_only_dashboard(
    browser: Browser, gazetteer_cache: Path
) -> None:
    env = {**os.environ, **dockerfile_env(), "NEWSMAP_CACHE_DIR": str(gazetteer_cache)}
    # The image's build step, then its entrypoint, with this venv's streamlit and
    # on a free loopback port instead of 0.0.0.0:8501 (later options win).
    build = subprocess.run([sys.executable, "-m", "geo.index"], env=env, cwd=ROOT, check=False)
    assert build.returncode == 0
    before = tree_state(ROOT) | tree_state(gazetteer_cache)
    port = free_port()
    command = [str(Path(sys.executable).parent / "streamlit"), *dockerfile_entrypoint()[1:]]
    command += [f"--server.port={port}", "--server.address=127.0.0.1"]
    with serve(command, port, env=env) as server:
        watch = Watch()
        context = offline_context(browser, watch)
        page = context.new_page()
        page.goto(server.url)
        frame = map_frame(page, expect=17)
        assert frame.locator(".nm-legend").count() == 1
        assert page.get_by_text("read-only: this hosted copy writes nothing").count() == 1
        context.close()
    assert tree_state(ROOT) | tree_state(gazetteer_cache) == before, "the app wrote to disk"


def test_read_only_never_builds_the_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty_cache = tmp_path / "cache"
    empty_cache.mkdir()
    monkeypatch.setenv("NEWSMAP_CACHE_DIR", str(empty_cache))
    monkeypatch.setenv("NEWSMAP_READ_ONLY", "1")
    monkeypatch.setenv("NEWSMAP_EVENTS", str(SEED_EVENTS))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "read-only" in captions
    assert "building is off" in captions and "python -m geo.index" in captions
    assert any(m.value.startswith("**17 of 17 events**") for m in at.markdown)
    assert list(empty_cache.iterdir()) == []
