"""Files a stack's config names (pipeline definitions, compiled pipeline specs), read only from
inside the repository, so what deploys is what was reviewed with the stack.

An absolute path, `..` past the repository root or a symlink that leads out would deploy a file
nobody reviewed; a symlink loop, an unreadable file, a name the file system refuses (longer than
NAME_MAX) or bytes that are not UTF-8 end in a sentence, never in an OSError or RuntimeError.
Shared by every cloud: no cloud SDK, no Pulumi.
"""

from __future__ import annotations

import os
from pathlib import Path


class RepositoryFileError(ValueError):
    """The file cannot be used at all (outside the repository, unreadable, not UTF-8)."""


def repository_root(start: Path) -> Path:
    """The repository a stack folder belongs to: the nearest folder holding `.git` or
    `pyproject.toml`; without one, `<root>/stacks/<stack>`'s root (the layout README shows)."""
    start = Path(os.path.abspath(start))
    for folder in (start, *start.parents):
        if (folder / ".git").exists() or (folder / "pyproject.toml").is_file():
            return folder
    return start.parent.parent if start.parent.name == "stacks" else start


def read_repository_file(
    source: str, base_dir: Path, *, root: Path | None = None, reader: str = "the cloud"
) -> str:
    """The UTF-8 text of `source` (relative to `base_dir`, inside the repository); raises
    RepositoryFileError saying why not. `reader` names who reads the file as UTF-8."""
    root = Path(os.path.abspath(root or repository_root(base_dir)))
    if "\x00" in source:
        raise RepositoryFileError(f"{source!r} contains a NUL character; give a file path")
    if os.path.isabs(source) or source.startswith("~"):
        raise RepositoryFileError(
            f"{source} is an absolute path; give a path relative to the stack folder inside "
            "the repository (e.g. ../../pipelines/x.json) so the file is reviewed with the stack"
        )
    candidate = Path(os.path.normpath(Path(os.path.abspath(base_dir)) / source))
    if not _inside(candidate, root):
        raise RepositoryFileError(
            f"{source} points outside the repository ({root}); keep the file in the "
            "repository, e.g. pipelines/"
        )
    try:
        resolved = candidate.resolve(strict=True)
    except FileNotFoundError:
        raise RepositoryFileError(
            f"file {source} not found (looked at {candidate}); paths are relative to the stack "
            "folder. Fix the path or add the file"
        ) from None
    except (RuntimeError, OSError) as error:
        raise RepositoryFileError(
            f"{source} cannot be resolved ({_reason(error)}); fix the symlink or the path"
        ) from None
    if not _inside(resolved, root.resolve()):
        raise RepositoryFileError(
            f"{source} is a symlink to {resolved}, outside the repository; copy the file in"
        )
    if not resolved.is_file():
        raise RepositoryFileError(f"{source} is not a file; give the path of a file")
    try:
        data = resolved.read_bytes()
    except OSError as error:
        raise RepositoryFileError(f"{source} cannot be read ({_reason(error)})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RepositoryFileError(
            f"{source} is not UTF-8 (byte 0x{data[error.start]:02x} on line {line}); {reader} "
            "reads it as UTF-8, save it as UTF-8"
        ) from None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__
