"""C2SP checkpoints (c2sp.org/tlog-checkpoint): a log's size and root hash as a signed note.

The note text is at least three lines, each non-empty and ending in a newline:

    <origin>                       the log's unique name, e.g. sign.example.org/p/save-the-park
    <tree size>                    ASCII decimal, no leading zeros ("0" for the empty tree)
    <root hash>                    standard base64 of the RFC 6962 root (32 bytes, 44 characters)
    <extension line>...            optional, opaque, non-empty

The signed bytes *are* the checkpoint: `parse_checkpoint` accepts exactly one spelling of each
value (no leading zeros or plus signs, canonical base64, no trailing spaces, no CR), so a
checkpoint cannot be re-spelled into other bytes that read the same, and what a signature covers
is what is shown.

Groundswell's campaign logs add two extension lines, in this order (`CountedCheckpoint`):

    live <live signature count>    ASCII decimal, no leading zeros, at most the tree size
    time <UTC time of signing>     YYYY-MM-DDTHH:MM:SSZ, seconds precision

so that a screenshot of a public count carries the checkpoint it comes from, e.g. (the example
log of docs/transparency.md: three signatures, one withdrawn)

    sign.example.org/p/save-the-park
    4
    6HBEwN5zHtLluz1zL2AynawcxlyBXXG5V6JgmYiZKpY=
    live 2
    time 2025-03-01T12:00:00Z

C2SP says extension lines are NOT RECOMMENDED because log monitors cannot audit them; ours can be:
the live count is recomputed from the published entries (signature entries minus valid
tombstones, see ``log_entries``), and times must not go backwards from one checkpoint to the next.
Witnesses cosign the whole text, extension lines included, but vouch only for the first three
lines. Go's ``tlog.ParseTree`` reads only the sumdb's own "go.sum database tree" header, so Go
programs read these lines themselves (tests/interop/go/tlogcheck does).

This module must not import Django.
"""

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from groundswell.transparency.merkle import EMPTY_ROOT, HASH_SIZE
from groundswell.transparency.signed_note import (
    NoteError,
    NoteVerificationError,
    OpenedNote,
    Signer,
    Verifier,
    check_key_name,
    decode_base64,
    open_note,
    sign_note,
)

# Go's tlog (and most tools) hold sizes in a signed 64-bit integer.
MAX_TREE_SIZE = 2**63 - 1
LIVE_EXTENSION = "live"
TIME_EXTENSION = "time"

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class CheckpointError(ValueError):
    """A checkpoint text is not in the form the spec (or our extension lines) requires."""


class CheckpointVerificationError(Exception):
    """A checkpoint note is not signed as it must be, or names another log."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line("origin", self.origin)
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"a tree size lies in [0, 2^63 - 1], got {self.size}")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"a root hash is {HASH_SIZE} bytes, got {len(self.root_hash)}")
        for line in self.extensions:
            _check_line("extension line", line)

    def text(self) -> bytes:
        """The note text: the bytes a log signature covers."""
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root_hash).decode("ascii"),
            *self.extensions,
        ]
        return "".join(f"{line}\n" for line in lines).encode()


def _check_line(what: str, line: str) -> None:
    if not line:
        raise CheckpointError(f"a checkpoint's {what} cannot be empty")
    if any(character < " " for character in line):
        raise CheckpointError(f"a checkpoint's {what} is one line with no control characters")


def parse_checkpoint(text: bytes) -> Checkpoint:
    """Read a checkpoint's note text (without signatures), accepting one spelling only."""
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointError("a checkpoint is UTF-8 text") from None
    if not decoded.endswith("\n"):
        raise CheckpointError("a checkpoint's text ends with a newline")
    lines = decoded[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has at least three lines: origin, size, root hash")
    origin, size_text, root_text, *extensions = lines
    if not _DECIMAL.fullmatch(size_text):
        raise CheckpointError(
            f"a checkpoint's size is a decimal number with no leading zeros, got {size_text!r}"
        )
    try:
        root_hash = decode_base64(root_text, what="the checkpoint's root hash")
    except NoteError as error:
        raise CheckpointError(str(error)) from None
    return Checkpoint(origin, int(size_text), root_hash, tuple(extensions))


def log_origin(*, host: str, slug: str) -> str:
    """A campaign log's origin, ``<host>/p/<slug>``: unique because the host and slug are.

    The origin is also the log's key name (the spec's recommendation), so it obeys the key name
    rules too.
    """
    if not host or "/" in host or not slug or "/" in slug:
        raise CheckpointError(
            f"a log origin is <host>/p/<slug> with neither part empty nor holding '/', "
            f"got host {host!r} and slug {slug!r}"
        )
    origin = f"{host}/p/{slug}"
    try:
        check_key_name(origin)
    except NoteError as error:
        raise CheckpointError(f"the log origin {origin!r} cannot name a key: {error}") from None
    return origin


@dataclass(frozen=True)
class CountedCheckpoint:
    """A campaign log's checkpoint: size and root, plus the live count and the signing time."""

    origin: str
    size: int
    root_hash: bytes
    live_count: int
    time: datetime

    def __post_init__(self) -> None:
        if not 0 <= self.live_count <= self.size:
            raise CheckpointError(
                f"the live count {self.live_count} lies between 0 and the tree size {self.size}"
            )
        if self.time.tzinfo is None or self.time.utcoffset() is None:
            raise CheckpointError("a checkpoint's time needs a time zone")
        # One instant, one spelling: the line holds whole seconds in UTC.
        object.__setattr__(
            self, "time", self.time.astimezone(UTC).replace(microsecond=0, tzinfo=UTC)
        )

    @property
    def checkpoint(self) -> Checkpoint:
        return Checkpoint(
            self.origin,
            self.size,
            self.root_hash,
            (
                f"{LIVE_EXTENSION} {self.live_count}",
                f"{TIME_EXTENSION} {self.time.strftime(_TIME_FORMAT)}",
            ),
        )

    def text(self) -> bytes:
        return self.checkpoint.text()

    @classmethod
    def from_checkpoint(cls, checkpoint: Checkpoint) -> "CountedCheckpoint":
        """Read our two extension lines strictly: both present, in order, one spelling each."""
        if len(checkpoint.extensions) != 2:
            raise CheckpointError(
                "a campaign log's checkpoint has exactly two extension lines, 'live <count>' and "
                f"'time <UTC time>'; this one has {len(checkpoint.extensions)}"
            )
        live_line, time_line = checkpoint.extensions
        live_name, _, live_text = live_line.partition(" ")
        if live_name != LIVE_EXTENSION or not _DECIMAL.fullmatch(live_text):
            raise CheckpointError(
                f"the fourth line is 'live <count, no leading zeros>', got {live_line!r}"
            )
        time_name, _, time_text = time_line.partition(" ")
        if time_name != TIME_EXTENSION or not _TIME.fullmatch(time_text):
            raise CheckpointError(
                f"the fifth line is 'time YYYY-MM-DDTHH:MM:SSZ', got {time_line!r}"
            )
        try:
            moment = datetime.strptime(time_text, _TIME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise CheckpointError(f"the checkpoint's time {time_text!r} is not a date") from None
        return cls(checkpoint.origin, checkpoint.size, checkpoint.root_hash, int(live_text), moment)


def sign_checkpoint(checkpoint: Checkpoint | CountedCheckpoint, signers: Sequence[Signer]) -> bytes:
    """The checkpoint as a signed note: its text, a blank line, one signature line per signer."""
    return sign_note(checkpoint.text(), signers)


@dataclass(frozen=True)
class OpenedCheckpoint:
    checkpoint: Checkpoint
    note: OpenedNote


def open_checkpoint(
    message: bytes,
    *,
    origin: str,
    log_verifiers: Sequence[Verifier],
    other_verifiers: Sequence[Verifier] = (),
) -> OpenedCheckpoint:
    """Verify a checkpoint note from the log named ``origin`` and parse it.

    At least one of ``log_verifiers`` (the log's keys: the current one and any earlier one still
    trusted) must have signed it. ``other_verifiers`` (witnesses) are checked when present but
    are not required here: a witness policy decides how many it needs. Raises
    CheckpointVerificationError (bad or missing signatures, another origin, an impossible empty
    tree), CheckpointError or NoteFormatError (malformed).
    """
    try:
        opened = open_note(message, [*log_verifiers, *other_verifiers])
    except NoteVerificationError as error:
        raise CheckpointVerificationError(str(error)) from None
    if not any(item.verifier in log_verifiers for item in opened.verified):
        raise CheckpointVerificationError(
            "the checkpoint carries no signature by the log's keys: "
            + ", ".join(verifier.vkey for verifier in log_verifiers if hasattr(verifier, "vkey"))
        )
    checkpoint = parse_checkpoint(opened.text)
    if checkpoint.origin != origin:
        raise CheckpointVerificationError(
            f"the checkpoint is from the log {checkpoint.origin!r}, not from {origin!r}"
        )
    if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
        raise CheckpointVerificationError(
            "the checkpoint says the log is empty, but its root is not the empty tree's hash"
        )
    return OpenedCheckpoint(checkpoint, opened)
