"""Writing files so that a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

from pathlib import Path

from geo.errors import ExportError


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
