"""Saving files atomically, through temporary files named after their writer.

A file (a workbook, a summary) is written to ``.STEM.PID@HOST.RANDOM.part``
beside its target and moved into place in one step (:func:`save_atomically`),
so a run killed at any moment leaves only complete files; without
``overwrite`` the move refuses to replace an existing file, even one that
appeared while the file was being made. A run that is killed leaves such files; the next
run in the folder removes those of processes of this machine that no
longer run, and never those of a run still writing, nor those of another
machine sharing the folder (told apart by a digest of the machine's name and
identity, since names such as ``localhost`` repeat), unless it is a week old.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import secrets
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable

__all__ = ["new_part", "remove_stale_parts", "save_atomically", "signals_held", "write_bytes"]

# A temporary file is named ``.STEM.PID@HOST.RANDOM.part``: whoever finds it
# later can tell whether the process writing it may still be running.
_PART = re.compile(r"^\..*\.(\d+)@([A-Za-z0-9-]*)\.[0-9a-f]+\.part$")


# Another machine's temporary files are removed only once this old: no run
# spends a week writing one workbook.
_FOREIGN_AGE = 7 * 24 * 3600


@functools.lru_cache(maxsize=1)
def _host() -> str:
    """This machine in a file name: its name, and a digest telling apart machines
    whose names are alike (``localhost``, containers, names cut short)."""
    name = socket.gethostname()
    machine = ""
    for source in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            with open(source, encoding="ascii") as stream:
                machine = stream.read().strip()
            break
        except (OSError, UnicodeDecodeError):
            continue
    machine = machine or f"{uuid.getnode():012x}"
    digest = hashlib.sha256(f"{name}\n{machine}".encode("utf-8", "replace")).hexdigest()[:10]
    return f"{re.sub(r'[^A-Za-z0-9-]', '', name)[:20]}-{digest}"


@contextlib.contextmanager
def signals_held():
    """Hold Ctrl-C and SIGTERM back for a short step that must not stop half-way.

    Writing a workbook through its temporary file, or starting a worker
    (which reads its start-up data from this process): stopped in the middle,
    either would leave a temporary file behind or a worker dying with a
    traceback. A signal that comes meanwhile is noted and raised again when
    the block ends. (Blocking it with a signal mask is not enough: numpy's
    threads do not block it, so the kernel hands it to one of them and Python
    raises it in the main thread all the same.) Only the main thread can set
    handlers, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.getsignal(number) for number in held}
    if any(handler is None for handler in previous.values()):  # set outside Python
        yield
        return
    for number in held:
        signal.signal(number, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received:
            signal.raise_signal(received[0])


def new_part(folder: str, stem: str) -> str:
    """Create an empty temporary file in ``folder``, named after the target and this process.

    Created with mode 0666 less the umask (``mkstemp`` would give 0600),
    and never over an existing file.
    """
    tag = f"{os.getpid()}@{_host()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        path = os.path.join(folder, f".{stem[:40]}.{tag}.{secrets.token_hex(4)}.part")
        try:
            os.close(os.open(path, flags, 0o666))
        except FileExistsError:
            continue
        return path


def remove_stale_parts(folder: str | os.PathLike[str]) -> list[str]:
    """Remove the temporary files that runs killed on this machine left in ``folder``.

    Only files named as :func:`save_atomically` names them, made on this
    machine by a process that no longer runs; a run still writing into the
    folder, or one on another machine sharing it, keeps its files (another
    machine's are removed once a week old). Returns the names removed.
    """
    host, removed = _host(), []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        found = _PART.match(entry.name)
        if found is None:
            continue
        if found.group(2) == host:
            if _running(int(found.group(1))):
                continue
        elif not _older_than(entry, now - _FOREIGN_AGE):
            continue  # another machine's, perhaps still writing
        try:
            os.unlink(entry.path)
        except FileNotFoundError:
            continue
        removed.append(entry.name)
    return removed


def _older_than(entry: os.DirEntry, moment: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_mtime < moment
    except OSError:
        return False


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs here (in doubt, yes: its file is kept)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    try:  # Linux: a process that ended but was not yet reaped is a zombie
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return True


def save_atomically(
    write: Callable[[str], None], target: str | os.PathLike[str], overwrite: bool
) -> None:
    """Write a file through a temporary file beside it, then move it into place.

    ``write(path)`` writes the content to ``path`` (a string). Without
    ``overwrite``, :class:`FileExistsError` is raised if ``target`` exists,
    and the temporary file is removed. The file gets the permissions the
    user's umask gives, as any other program's new files do.
    """
    # Plain strings rather than pathlib: pathlib interns every name it parses,
    # which a batch of many thousand files would keep in memory.
    target = os.fspath(target)
    folder, name = os.path.split(target)
    # Ctrl-C waits until the file is in place (a workbook takes milliseconds):
    # the temporary file never outlives this call.
    with signals_held():
        temporary = new_part(folder or ".", os.path.splitext(name)[0])
        try:
            write(temporary)
            if overwrite:
                os.replace(temporary, target)
            else:
                _move_without_replacing(temporary, target)
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)


def write_bytes(path: str, data: bytes) -> None:
    with open(path, "wb") as stream:
        stream.write(data)


def _move_without_replacing(source: str, target: str) -> None:
    try:
        # A hard link fails if the target exists: no window between check and move.
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        # File systems without hard links (FAT, some network shares).
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(source, target)
