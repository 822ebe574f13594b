"""Opening the zip inside an XLSX or ODS without letting a small file inflate into gigabytes.

The zip directory is checked first (number of members, declared sizes, compression ratio), then every
member is read through a counting stream: Python's ``zipfile`` already stops at the declared size, the
counter also holds the whole archive to its budget however its members are read. Every refusal is a
French ``PSTFileError``.
"""

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from territoire.pst import PSTFileError

MAX_MEMBERS = 1000
# A member small once inflated (the 46-byte « mimetype » of an ODS) may have any ratio; a big one may not.
RATIO_FROM_SIZE = 1024 * 1024
MAX_RATIO = 200


def max_inflated_size() -> int:
    """What the members of one archive may weigh once inflated, all together (and each)."""
    return 4 * settings.MAX_UPLOAD_SIZE


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The archive, once its directory shows nothing that would inflate past the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise PSTFileError(_("Le classeur est endommagé : ouvrez-le et enregistrez-le à nouveau.")) from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise PSTFileError(
            _("Le classeur contient %(count)s fichiers compressés : un tableur n'en a jamais autant.")
            % {"count": len(members)}
        )
    limit = max_inflated_size()
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limit or total > limit:
            raise PSTFileError(
                _(
                    "Le classeur décompressé pèserait plus de %(max)s Mo (« %(name)s » à lui seul : %(size)s Mo) : "
                    "il contient bien plus qu'un PST. Enregistrez uniquement la feuille du PST dans un nouveau "
                    "classeur."
                )
                % {"max": _megabytes(limit), "name": member.filename[:80], "size": _megabytes(member.file_size)}
            )
        if member.file_size > RATIO_FROM_SIZE and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise PSTFileError(
                _(
                    "Le fichier « %(name)s » du classeur se décompresse %(ratio)s fois (%(size)s Mo) : ce n'est pas "
                    "un tableur ordinaire (bombe de décompression ?). Enregistrez la feuille du PST dans un nouveau "
                    "classeur."
                )
                % {
                    "name": member.filename[:80],
                    "ratio": member.file_size // max(member.compress_size, 1),
                    "size": _megabytes(member.file_size),
                }
            )
    archive.budget = limit  # Shared by every member read from this archive: see ``open_member``.
    return archive


class _CountingReader(io.RawIOBase):
    """A zip member as a stream that refuses to give more than the archive's remaining budget."""

    def __init__(self, archive, stream, name):
        self.archive, self.stream, self.name = archive, stream, name

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            chunk = self.stream.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise PSTFileError(
                _(
                    "Le fichier « %(name)s » du classeur est endommagé : ouvrez le classeur et "
                    "enregistrez-le à nouveau."
                )
                % {"name": self.name[:80]}
            ) from None
        self.archive.budget -= len(chunk)
        if self.archive.budget < 0:
            raise PSTFileError(
                _("Le classeur décompressé pèserait plus de %(max)s Mo : il contient bien plus qu'un PST.")
                % {"max": _megabytes(max_inflated_size())}
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self):
        self.stream.close()
        super().close()


def open_member(archive: zipfile.ZipFile, name: str):
    """A binary stream over one member (``None`` when absent), counted against the archive's budget."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    try:
        stream = archive.open(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError):
        raise PSTFileError(
            _("Le fichier « %(name)s » du classeur est illisible (chiffré ou endommagé).") % {"name": name[:80]}
        ) from None
    return io.BufferedReader(_CountingReader(archive, stream, name), buffer_size=256 * 1024)


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """A small member whole, or its first ``limit`` bytes (``None`` when absent)."""
    stream = open_member(archive, name)
    if stream is None:
        return None
    with stream:
        return stream.read(limit)
