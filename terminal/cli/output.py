"""What the command line writes: files that cannot destroy the store or be left half-written,
and console text that cannot drive the technician's terminal.

`write_output` is the one way a command writes a file (`journal export --out`, `reconcile
--csv`): it refuses the journal, its companions and key and anything in the data directory
(by device and inode, so links do not fool it), refuses an existing file unless `--force`, and
writes a temporary file in the target's folder that is renamed into place only once complete.

`printable` escapes control characters (and the invisible format characters that reorder
text); `EscapingStream` applies it to everything the CLI prints, because what it prints comes
from devices, files and the platform (a scanned code can carry an escape sequence).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

from kernel.errors import MedtermError
from offline_store.datadir import StoreFiles

T = TypeVar("T")

# Unicode categories never echoed as they are: controls, format characters (bidirectional
# overrides), surrogates (undecodable bytes), private use, unassigned, line/paragraph separators
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_KEPT = frozenset("\n\t")


class OutputPathError(MedtermError):
    """An output path a command refuses to write: part of the store, an existing file without
    `--force`, a folder that does not exist."""

    code = "E051"
    message_zh = "拒绝写入该输出路径"
    message_en = "refusing to write to this output path"
    action = (
        "Choose another output file: outside the terminal's data directory, in an existing "
        "folder; to replace an existing file (never the journal or its key), add --force."
    )
    action_zh = (
        "请选择其他输出文件：位于终端数据目录之外、已存在的文件夹中；"
        "如需覆盖已有文件（交易日志及其密钥除外），请加 --force。"
    )


class OutputWriteError(MedtermError):
    """The output file could not be written (full disk, permissions): nothing was left behind."""

    code = "E052"
    message_zh = "输出文件写入失败"
    message_en = "the output file could not be written"
    action = (
        "Nothing was written and the journal is untouched. Free space on that disk or choose a "
        "folder the medterm user may write to, then run the command again."
    )
    action_zh = "未写入任何内容，交易日志未受影响。请释放该磁盘空间或选择可写的文件夹后重试。"


def check_output_path(path: Path, *, option: str, force: bool, store: StoreFiles | None) -> None:
    """Refuse `path` as an output unless it is safe to create (or, with `force`, to replace)."""
    if store is not None:
        protected = store.holds(path)
        if protected is not None:
            raise OutputPathError(
                f"{option} {path} would write over the terminal's store ({protected}); "
                "--force does not change this"
            )
    folder = path.parent
    if not folder.is_dir():
        raise OutputPathError(f"{option} {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise OutputPathError(f"{option} {path} is a directory, not a file")
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputPathError(f"{option} {path} already exists (add --force to replace it)")


def write_output(
    path: Path,
    write: Callable[[TextIO], T],
    *,
    option: str,
    force: bool = False,
    store: StoreFiles | None = None,
    newline: str | None = None,
) -> T:
    """Write a text file through `write(stream)` safely (module docstring); `write`'s result.

    The file appears complete or not at all: a temporary file beside it is written, synced
    and then renamed (with `force`) or hard-linked (without: an existing file is never
    replaced, even one created meanwhile) into place."""
    path = Path(path)
    check_output_path(path, option=option, force=force, store=store)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as err:
        raise _write_error(option, path, err) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as out:
            result = write(out)
            out.flush()
            os.fsync(out.fileno())
        _publish(Path(temporary), path, force=force)
    except OSError as err:
        _remove(temporary)
        if err.errno == errno.EEXIST:
            raise OutputPathError(f"{option} {path} already exists (add --force)") from None
        raise _write_error(option, path, err) from None
    except BaseException:
        _remove(temporary)
        raise
    return result


def _publish(temporary: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(temporary, path)
    else:
        try:
            os.link(temporary, path)
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):  # not EEXIST
                raise
            # a file system without hard links (a FAT USB stick): check, then rename
            if path.exists():
                raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
            os.replace(temporary, path)
        else:
            os.unlink(temporary)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _remove(temporary: str | Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temporary)


def _write_error(option: str, path: Path, err: OSError) -> OutputWriteError:
    reason = err.strerror or type(err).__name__
    if err.errno == errno.ENOSPC:
        reason = "the disk is full"
    return OutputWriteError(f"{option} {path}: {reason}")


# ---------------------------------------------------------------------------- console text


def printable(text: str) -> str:
    """`text` with every character that could act on a terminal (escape sequences, carriage
    returns, bidirectional overrides, undecodable bytes) written as a visible escape
    (`\\u001b`, `\\u202e`); newlines and tabs are kept."""
    if text.isprintable():
        return text
    return "".join(
        char
        if char in _KEPT or unicodedata.category(char) not in _UNSAFE_CATEGORIES
        else _escape(char)
        for char in text
    )


def _escape(char: str) -> str:
    """`\\uXXXX`, a surrogate pair beyond the BMP: also a JSON escape, so JSON stays valid."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


class EscapingStream:
    """A text stream that passes everything written through `printable`: the CLI's stdout and
    stderr while a command runs (JSON stays valid: `\\u` escapes are JSON escapes, and JSON
    text has raw controls only as the newlines of its layout)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
