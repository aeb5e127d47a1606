"""Locating the Lifeline build tree and its programs (lifelined, clp* commands)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

BUILD_DIR_ENV = "LIFELINE_BUILD_DIR"
_LIKELY = ("", "bin", "server", "server/daemon", "server/cli")


def build_dir(option: Optional[str] = None, repo: Optional[Path] = None) -> Optional[Path]:
    """The build directory: the explicit option, else $LIFELINE_BUILD_DIR, else <repo>/build."""
    value = option or os.environ.get(BUILD_DIR_ENV)
    if value:
        return Path(value).resolve()
    if repo is not None and (repo / "build").is_dir():
        return (repo / "build").resolve()
    return None


def find_program(build: Optional[Path], name: str) -> Optional[Path]:
    """Path of the executable ``name`` in the build tree, or None."""
    if build is None or not build.is_dir():
        return None
    for sub in _LIKELY:
        p = build / sub / name
        if p.is_file() and os.access(p, os.X_OK):
            return p
    for p in sorted(build.rglob(name)):
        if p.is_file() and os.access(p, os.X_OK) and "CMakeFiles" not in p.parts:
            return p
    return None
