"""Problems with the output folder, said the way a user can act on them.

A batch that cannot write (the folder is a file, read-only, full, or not
ours) stops at the first such problem rather than fail every scenario with
the same error; the message names the path and says what to do.
"""

from __future__ import annotations

import errno
import os

from .._errors import OutputFolderError
from .saving import new_part

__all__ = ["OutputFolderError", "output_problem", "prepare_folder"]

# Errors that no other scenario can escape either: the batch stops.
_FATAL = {
    errno.EROFS: "is on a read-only file system: choose another folder with --out",
    errno.EACCES: "cannot be written by you: choose another folder with --out, or ask for access",
    errno.EPERM: "cannot be written by you: choose another folder with --out, or ask for access",
    errno.ENOSPC: "is on a full disk: free some space, then run again with --skip-existing",
    errno.EDQUOT: "is over your disk quota: free some space, then run again with --skip-existing",
    errno.ENOTDIR: "is not a folder: give a folder with --out (it is created if missing)",
    errno.EEXIST: "is a file, not a folder: give a folder with --out (it is created if missing)",
}


def output_problem(error: BaseException, folder: str | os.PathLike[str]) -> str | None:
    """A one-line message for an error that stops every write into ``folder``, else ``None``.

    >>> output_problem(OSError(errno.ENOSPC, "No space left on device"), "out")
    'the output folder out is on a full disk: free some space, then run again with --skip-existing'
    >>> output_problem(ValueError("bad"), "out") is None
    True
    """
    if not isinstance(error, OSError) or error.errno not in _FATAL:
        return None
    if error.errno == errno.EEXIST:
        return None  # only meaningful when making the folder: see prepare_folder
    return f"the output folder {os.fspath(folder)} {_FATAL[error.errno]}"


def prepare_folder(folder: str | os.PathLike[str]) -> None:
    """Create ``folder`` if missing; :class:`OutputFolderError` when it cannot be used.

    A file is created in it and removed, so that a folder that cannot be
    written is reported once, before any scenario is read.
    """
    path = os.fspath(folder)
    if os.path.islink(path) and not os.path.exists(path):
        raise OutputFolderError(
            f"--out {path} is a symbolic link to {os.readlink(path)}, which does not exist: "
            "create that folder, or give another with --out"
        )
    try:
        os.makedirs(path, exist_ok=True)
    except FileExistsError:
        raise OutputFolderError(f"--out {path} {_FATAL[errno.EEXIST]}") from None
    except OSError as error:
        reason = _FATAL.get(error.errno)
        if reason is None:
            reason = f"cannot be created: {error.strerror or error}"
        raise OutputFolderError(f"the output folder {path} {reason}") from None
    if not os.path.isdir(path):
        raise OutputFolderError(f"--out {path} {_FATAL[errno.ENOTDIR]}")
    # Once, before any work: a folder that cannot be written fails every scenario alike.
    try:
        os.unlink(new_part(path, "write-check"))
    except OSError as error:
        reason = _FATAL.get(error.errno) or f"cannot be written: {error.strerror or error}"
        raise OutputFolderError(f"the output folder {path} {reason}") from None
