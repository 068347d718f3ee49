"""Helpers for the browser tests: the real dashboard under `streamlit run`, and
Debian's Chromium driven by Playwright with every request off this machine blocked."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Frame, Page, Route

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server(str):
    """A running app's URL, with the streamlit server's process id.

    A str, so callers that only want the URL can keep using it as one.
    """

    pid: int

    def __new__(cls, url: str, pid: int) -> Server:
        server = super().__new__(cls, url)
        server.pid = pid
        return server

    @property
    def url(self) -> str:
        return str.__str__(self)


@contextmanager
def serve(
    command: list[str],
    port: int,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 90.0,
    poll: float = 0.2,
) -> Iterator[Server]:
    """Run a Streamlit server command from the repository root until it is healthy.

    Yields a Server: the URL (``.url``) and the process id (``.pid``); stops it after.
    """
    log = ARTIFACTS / f"streamlit-{port}.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env if env is not None else os.environ.copy(),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit not healthy after {timeout}s: {log.read_text()}")
            time.sleep(poll)
        yield Server(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def dashboard(
    events: Path,
    timeout: float = 90.0,
    *,
    script: Path | None = None,
    poll: float = 0.2,
) -> Iterator[Server]:
    """`streamlit run dashboard.py -- --events PATH` on a free port, once healthy.

    ``script`` runs another Streamlit script the same way (benchmarks use a bare
    app); ``poll`` is how often the health endpoint is asked.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script or ROOT / "dashboard.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--",
        "--events",
        str(events),
    ]
    with serve(command, port, timeout=timeout, poll=poll) as server:
        yield server


@dataclass
class Watch:
    """What a page tried to do that it should not: leave the machine, or open a dialog."""

    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def offline_context(browser: Browser, watch: Watch, allow_files: bool = False) -> BrowserContext:
    """A browser context in which only this machine answers; everything else is refused."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)

    def route(r: Route) -> None:
        parsed = urlparse(r.request.url)
        local = parsed.scheme in ("data", "blob") or (parsed.hostname or "") in LOCAL_HOSTS
        if parsed.scheme == "file":
            local = allow_files
        if local:
            r.continue_()
        else:
            watch.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context


def watch_dialogs(page: Page, watch: Watch) -> None:
    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)


def map_frame(
    page: Page, expect: int | None = None, timeout: float = 60.0, *, poll: float = 0.2
) -> Frame:
    """The frame where Leaflet drew the events (with ``expect`` of them, if given)."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                node = frame.query_selector("[data-events-drawn]")
                if node is None:
                    continue
                seen = int(node.get_attribute("data-events-drawn") or -1)
            except Exception:  # noqa: BLE001 - frames come and go while Streamlit reruns
                continue
            if expect is None or seen == expect:
                return frame
        time.sleep(poll)
    raise TimeoutError(
        f"the map never drew {expect if expect is not None else 'its'} events (last seen: {seen})"
    )


def drawn(frame: Frame) -> int:
    value = frame.get_attribute("[data-events-drawn]", "data-events-drawn")
    return int(value or -1)


def events_count(page: Page) -> str:
    """The 'N of M events' line as the user reads it."""
    return page.get_by_text(" of ", exact=False).filter(has_text="events").first.inner_text()


def settled(page: Page, quiet: float = 1.0, timeout: float = 30.0) -> None:
    """Wait until no script run is in progress, and none started for ``quiet`` seconds.

    The map reports its view once drawn, which reruns the script: a download
    made on click by the previous run is gone once that rerun ends.
    """
    running = page.locator("[data-testid='stStatusWidget']")
    deadline = time.monotonic() + timeout
    calm_since = time.monotonic()
    while time.monotonic() < deadline:
        if running.count() and running.is_visible():
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        time.sleep(0.1)
    raise TimeoutError("the app never settled")
