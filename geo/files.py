"""Reading article files safely, and writing files so that a reader sees the old file
or the new one, never half of one. No pandas here: the CLI's quick paths import this."""

from __future__ import annotations

from pathlib import Path

from geo.errors import DataError, ExportError


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8, exactly as given) to ``path`` through a temporary
    file in the same folder, then rename it into place."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        tmp.write_bytes(payload)
        tmp.replace(path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ExportError(
            f"could not write {path}: {err.strerror}. Fix: check the folder."
        ) from err
    return path


MAX_ARTICLE_BYTES = 50 * 1024 * 1024
"""An article larger than this is surely several, or not an article."""


def read_text_file(path: Path) -> str:
    """An article's text: UTF-8, not binary, at most 50 MiB; else a DataError with the fix."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror}). Fix: check the path.") from err
    if not path.is_file():
        raise DataError(f"{path}: not a file. Fix: give the path of a .txt article.")
    if size > MAX_ARTICLE_BYTES:
        raise DataError(
            f"{path}: {size / 2**20:.0f} MiB is more than the {MAX_ARTICLE_BYTES // 2**20} MiB "
            "an article may be. Fix: split it into its articles."
        )
    data = path.read_bytes()
    if b"\x00" in data:
        raise DataError(f"{path}: binary data, not text. Fix: give the article as UTF-8 text.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(
            f"{path}: not UTF-8 text ({err.reason} at byte {err.start}). Fix: save it as "
            "UTF-8, e.g. iconv -f cp1252 -t utf-8."
        ) from err
