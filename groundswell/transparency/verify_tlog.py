"""`groundswell verify recount | mirror | receipt --log`: check a published tiled log, no database.

    groundswell verify recount LOG --key VKEY [--witness VKEY ... --witnesses-needed K]
    groundswell verify mirror URL DIRECTORY --key VKEY [...] [--interval SECONDS]
    groundswell verify receipt --log LOG --key VKEY --receipt RECEIPT.json

LOG is the log's URL (``https://sign.example.org/p/save-the-park/log``) or a directory holding a
mirror of it. VKEY is the log's verifier key string (``<name>+<hex id>+<base64>``), obtained out
of band or from ``/.well-known/groundswell/transparency-keys``; give ``--key`` once per key
trusted (after a key rotation, the earlier ones too). With ``--witness``, a checkpoint counts only
when ``--witnesses-needed`` of them (default: all) cosigned it.

- recount: checks the checkpoint's signatures, every hash tile and entry bundle against its root,
  the entries' rules, and that signature entries minus valid tombstones equal its live count.
- receipt --log: does all of that, then checks that the receipt's leaf is a signature entry with
  the receipt's commitment and that *no* tombstone in the whole log revokes it. Unlike a JSON
  proof, whose tombstone list the server writes, the tiles hold every entry under the signed root:
  a tombstone cannot be left out, nor one made up.
- mirror: copies the log into DIRECTORY, checking the new checkpoint against the one it held (the
  old tree must be a prefix of the new: same root at the old size), then recounting; with
  ``--interval`` it repeats forever. Full tiles already mirrored are not downloaded again.

HTTP goes through urllib; this module must not import Django.
"""

import argparse
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from groundswell.transparency.audit_sample import (
    SAMPLE_FORMAT,
    AuditError,
    Opening,
    verify_openings,
)
from groundswell.transparency.checkpoints import MalformedDocumentError, VerificationError
from groundswell.transparency.commitments import signature_commitment
from groundswell.transparency.log_entries import (
    LiveCount,
    RecountError,
    SignatureEntry,
    TombstoneEntry,
    parse_entry,
)
from groundswell.transparency.merkle import root_hash
from groundswell.transparency.proof_documents import receipt_from_json
from groundswell.transparency.signed_note import (
    CosignatureVerifier,
    Ed25519Verifier,
    NoteError,
    Verifier,
    parse_note,
    parse_verifier_key,
)
from groundswell.transparency.tlog_checkpoint import (
    CheckpointError,
    CheckpointVerificationError,
    CountedCheckpoint,
    open_checkpoint,
)
from groundswell.transparency.tlog_tiles import (
    DirectoryTiles,
    TileError,
    TileHashReader,
    TileSource,
    TileWalk,
    parse_tile_path,
    verify_tiles,
)
from groundswell.transparency.witness import (
    WitnessPolicy,
    WitnessPolicyError,
    open_witnessed_checkpoint,
)

HTTP_TIMEOUT_SECONDS = 30
USER_AGENT = "groundswell-verify"
# What makes a log fail a check (exit status 1).
LOG_FAILURES = (
    CheckpointVerificationError,
    CheckpointError,
    NoteError,
    WitnessPolicyError,
    TileError,
    RecountError,
)


class UnusableLocation(Exception):
    """A log location, key or file cannot be used at all (exit status 2)."""


class HttpTiles:
    """A TileSource over HTTP: ``<base URL>/<path>``; a 404 is a tile that is not published."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.fetched = 0

    def read(self, path: str) -> bytes:
        url = f"{self.base_url}/{path}"
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
                self.fetched += 1
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise FileNotFoundError(path) from None
            raise TileError(f"{url} answered {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise UnusableLocation(f"cannot fetch {url}: {error}") from None


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def tile_source(location: str) -> TileSource:
    if is_url(location):
        return HttpTiles(location)
    if not Path(location).is_dir():
        raise UnusableLocation(f"{location} is neither an http(s) URL nor a directory")
    return DirectoryTiles(location)


@dataclass
class Trust:
    """What the reader trusts: the log's keys and a witness policy (None: no witnesses needed)."""

    log_verifiers: list[Verifier]
    policy: WitnessPolicy | None
    origin: str | None = None


def trust_from_arguments(arguments: argparse.Namespace) -> Trust:
    log_verifiers: list[Verifier] = []
    for vkey in arguments.key:
        verifier = _verifier(vkey)
        if not isinstance(verifier, Ed25519Verifier):
            raise UnusableLocation(f"--key {vkey!r} is a witness key; give it with --witness")
        log_verifiers.append(verifier)
    witnesses = []
    for vkey in arguments.witness:
        verifier = _verifier(vkey)
        if not isinstance(verifier, CosignatureVerifier):
            raise UnusableLocation(f"--witness {vkey!r} is not a cosignature (type 0x04) key")
        witnesses.append(verifier)
    policy = None
    if witnesses:
        needed = (
            len(witnesses) if arguments.witnesses_needed is None else arguments.witnesses_needed
        )
        try:
            policy = WitnessPolicy(tuple(witnesses), needed)
        except ValueError as error:
            raise UnusableLocation(f"witness policy: {error}") from None
    elif arguments.witnesses_needed:
        raise UnusableLocation("--witnesses-needed needs --witness keys")
    return Trust(log_verifiers, policy, arguments.origin)


def _verifier(vkey: str) -> Verifier:
    try:
        return parse_verifier_key(vkey)
    except NoteError as error:
        raise UnusableLocation(f"{vkey!r} is not a verifier key: {error}") from None


def open_log_checkpoint(note: bytes, trust: Trust, *, now: int) -> tuple[CountedCheckpoint, str]:
    """Verify a checkpoint note against the trust; returns it and a line describing it."""
    origin = trust.origin or _first_line(note)
    if trust.policy is None:
        checkpoint = open_checkpoint(
            note, origin=origin, log_verifiers=trust.log_verifiers
        ).checkpoint
        witnessed = ""
    else:
        opened = open_witnessed_checkpoint(
            note, origin=origin, log_verifiers=trust.log_verifiers, policy=trust.policy, now=now
        )
        checkpoint = opened.checkpoint
        witnessed = f", cosigned by {len(opened.cosigned_at)} of the policy's witnesses"
    counted = CountedCheckpoint.from_checkpoint(checkpoint)
    return counted, (
        f"checkpoint of {counted.origin} is signed by the log{witnessed}: size {counted.size}, "
        f"{counted.live_count} live signatures, at {counted.time.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    )


def _first_line(note: bytes) -> str:
    try:
        return parse_note(note).text.decode().split("\n", 1)[0]
    except (NoteError, UnicodeDecodeError) as error:
        raise CheckpointError(f"the checkpoint is not a note: {error}") from None


@dataclass
class Recounted:
    checkpoint: CountedCheckpoint
    count: LiveCount
    walk: TileWalk
    # Every tombstone entry seen: its index and entry.
    tombstones: dict[int, TombstoneEntry] = field(default_factory=dict)
    entries_of_interest: dict[int, bytes] = field(default_factory=dict)


def recount(
    source: TileSource, checkpoint: CountedCheckpoint, *, keep: Sequence[int] = ()
) -> Recounted:
    """Every tile and entry against the checkpoint's root, and the live count against its own."""
    count = LiveCount()
    tombstones: dict[int, TombstoneEntry] = {}
    kept: dict[int, bytes] = {}
    wanted = set(keep)

    def add(bundle_index: int, entries: list[bytes]) -> None:
        first = count.size
        for offset, data in enumerate(entries):
            entry = count.add(data)
            if isinstance(entry, TombstoneEntry):
                tombstones[first + offset] = entry
            if first + offset in wanted:
                kept[first + offset] = data

    walk = verify_tiles(
        source, tree_size=checkpoint.size, root=checkpoint.root_hash, on_entries=add
    )
    if count.live != checkpoint.live_count:
        raise RecountError(
            f"the checkpoint says {checkpoint.live_count} live signatures; its entries give "
            f"{count.live} ({count.signatures} signatures, {count.tombstones} tombstones)"
        )
    return Recounted(checkpoint, count, walk, tombstones, kept)


# The commands ------------------------------------------------------------------------------------


def add_trust_arguments(parser: argparse.ArgumentParser, *, key_required: bool = True) -> None:
    parser.add_argument(
        "--key",
        action="append",
        default=[],
        required=key_required,
        help="a verifier key of the log (<name>+<id>+<base64>); repeat for earlier keys",
    )
    parser.add_argument(
        "--witness", action="append", default=[], help="a witness's verifier key; repeatable"
    )
    parser.add_argument(
        "--witnesses-needed",
        type=int,
        default=None,
        help="how many of the --witness keys must have cosigned (default: all)",
    )
    parser.add_argument("--origin", help="the log's origin (default: the checkpoint's first line)")


def recount_checks(arguments: argparse.Namespace) -> Iterator[str]:
    trust = trust_from_arguments(arguments)
    source = tile_source(arguments.log)
    checkpoint, line = open_log_checkpoint(_read_checkpoint(source), trust, now=int(time.time()))
    yield line
    result = recount(source, checkpoint)
    yield (
        f"{result.walk.hash_tiles} hash tiles and {result.walk.entry_bundles} entry bundles hash "
        f"up to the root {checkpoint.root_hash.hex()}"
    )
    yield (
        f"recount: {result.count.signatures} signatures - {result.count.tombstones} tombstones "
        f"= {result.count.live} live, as the checkpoint says"
    )
    yield "live by channel: " + ", ".join(
        f"{channel.name.lower()} {count}" for channel, count in result.count.live_by_channel.items()
    )


def tile_receipt_checks(arguments: argparse.Namespace) -> Iterator[str]:
    trust = trust_from_arguments(arguments)
    try:
        with open(arguments.receipt, "rb") as file:
            receipt = receipt_from_json(json.load(file))
    except OSError as error:
        raise UnusableLocation(f"cannot read the receipt {arguments.receipt}: {error}") from None
    except (ValueError, MalformedDocumentError) as error:
        raise UnusableLocation(f"{arguments.receipt}: {error}") from None
    source = tile_source(arguments.log)
    checkpoint, line = open_log_checkpoint(_read_checkpoint(source), trust, now=int(time.time()))
    yield line
    if not checkpoint.origin.endswith(f"/p/{receipt.campaign}"):
        raise VerificationError(
            f"the receipt is for the log of {receipt.campaign!r}, not {checkpoint.origin!r}"
        )
    if receipt.leaf_index >= checkpoint.size:
        raise VerificationError(
            f"the receipt's leaf {receipt.leaf_index} is not in the checkpoint's tree of size "
            f"{checkpoint.size} yet: try a later checkpoint"
        )
    result = recount(source, checkpoint, keep=[receipt.leaf_index])
    yield f"the whole log checks and recounts to {result.count.live} live signatures"
    entry = parse_entry(result.entries_of_interest[receipt.leaf_index])
    commitment = signature_commitment(
        public_id=receipt.public_id,
        campaign_slug=receipt.campaign,
        confirmed_at=receipt.confirmed_at,
        salt=receipt.salt,
    )
    if not isinstance(entry, SignatureEntry) or entry.commitment != commitment:
        raise VerificationError(
            f"entry {receipt.leaf_index} of the log is not this receipt's signature"
        )
    yield f"entry {receipt.leaf_index} is the receipt's signature ({entry.channel.name.lower()})"
    for index, tombstone in result.tombstones.items():
        if tombstone.revoked_index == receipt.leaf_index:
            raise VerificationError(
                f"the tombstone at entry {index} ({tombstone.reason.name.lower()}) revokes entry "
                f"{receipt.leaf_index}: the signature is not counted in this checkpoint"
            )
    yield (
        f"none of the log's {len(result.tombstones)} tombstones revokes entry "
        f"{receipt.leaf_index}: the signature is counted"
    )


class MirroringTiles:
    """Reads a full tile from the mirror when it holds it, otherwise from the log.

    What is read is still checked by the caller (verify_tiles): a mirror altered on disk fails.
    Downloads wait in memory until `commit`, called once every check passed, so a log that fails
    never overwrites the last good copy.
    """

    def __init__(self, remote: TileSource, mirror: DirectoryTiles) -> None:
        self.remote = remote
        self.mirror = mirror
        self.pending: dict[str, bytes] = {}

    @property
    def downloaded(self) -> int:
        return len(self.pending)

    def commit(self) -> None:
        for path, data in self.pending.items():
            self.mirror.write(path, data)
        self.pending = {}

    def read(self, path: str) -> bytes:
        if parse_tile_path(path).is_full:
            try:
                return self.mirror.read(path)
            except FileNotFoundError:
                pass
        if path in self.pending:
            return self.pending[path]
        data = self.remote.read(path)
        self.pending[path] = data
        return data


def mirror_once(url: str, directory: Path, trust: Trust) -> Iterator[str]:
    remote = HttpTiles(url)
    mirror = DirectoryTiles(directory)
    now = int(time.time())
    new_note = _read_checkpoint(remote)
    new, line = open_log_checkpoint(new_note, trust, now=now)
    yield f"new {line}"
    old_path = directory / "checkpoint"
    old: CountedCheckpoint | None = None
    if old_path.exists():
        old, _ = open_log_checkpoint(
            old_path.read_bytes(), Trust(trust.log_verifiers, None, new.origin), now=now
        )
        if old.origin != new.origin:
            raise VerificationError(f"the mirror holds {old.origin!r}, not {new.origin!r}")
        if new.size < old.size:
            raise VerificationError(
                f"the log rolled back from size {old.size} to {new.size}: refused"
            )
    source = MirroringTiles(remote, mirror)
    result = recount(source, new)
    yield (
        f"{result.walk.hash_tiles} hash tiles and {result.walk.entry_bundles} entry bundles check "
        f"({source.downloaded} downloaded); recount {result.count.live} live, as it says"
    )
    if old is not None:
        reader = TileHashReader(source, tree_size=new.size, root=new.root_hash)
        if root_hash(reader, tree_size=old.size) != old.root_hash:
            raise VerificationError(
                f"the log at size {new.size} does not extend the mirrored tree of size "
                f"{old.size}: a fork (or a split view) of the log, refused"
            )
        yield f"the new tree extends the mirrored one of size {old.size}"
    source.commit()
    if old is not None:
        history = directory / "checkpoints"
        history.mkdir(exist_ok=True)
        (history / str(old.size)).write_bytes(old_path.read_bytes())
    old_path.write_bytes(new_note)
    yield f"the mirror in {directory} is at size {new.size}"


def mirror_checks(arguments: argparse.Namespace) -> Iterator[str]:
    trust = trust_from_arguments(arguments)
    if not is_url(arguments.url):
        raise UnusableLocation(f"{arguments.url} is not an http(s) URL")
    directory = Path(arguments.directory)
    directory.mkdir(parents=True, exist_ok=True)
    while True:
        yield from mirror_once(arguments.url, directory, trust)
        if not arguments.interval:
            return
        time.sleep(arguments.interval)


def audit_sample_checks(arguments: argparse.Namespace) -> Iterator[str]:
    """The auditor's side: the openings are the checkpoint's sample and open its entries."""
    try:
        with open(arguments.openings, "rb") as file:
            document = json.load(file)
        if document.get("format") != SAMPLE_FORMAT:
            raise ValueError(f"not a {SAMPLE_FORMAT} document")
        note = str(document["checkpoint"]).encode()
        log_name = str(document["log_name"])
        sample_size = int(document["sample_size"])
        openings = [Opening.from_json(item) for item in document["openings"]]
    except OSError as error:
        raise UnusableLocation(f"cannot read {arguments.openings}: {error}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnusableLocation(f"{arguments.openings}: {error}") from None
    trust = trust_from_arguments(arguments)
    checkpoint, line = open_log_checkpoint(note, trust, now=int(time.time()))
    yield f"the sample's {line}"
    if not checkpoint.origin.endswith(f"/p/{log_name}"):
        raise VerificationError(f"the openings are for {log_name!r}, not {checkpoint.origin!r}")
    result = recount(
        tile_source(arguments.log), checkpoint, keep=[opening.index for opening in openings]
    )
    yield f"the log's tiles at size {checkpoint.size} check and recount"
    try:
        lines = verify_openings(
            openings,
            log_name=log_name,
            root_hash=checkpoint.root_hash,
            tree_size=checkpoint.size,
            sample_size=sample_size,
            entries=result.entries_of_interest,
            is_live=result.count.is_live,
        )
    except AuditError as error:
        raise VerificationError(str(error)) from None
    yield (f"the {len(openings)} openings are exactly the checkpoint's sample of {sample_size}")
    yield from lines


def _read_checkpoint(source: TileSource) -> bytes:
    try:
        return source.read("checkpoint")
    except FileNotFoundError:
        raise UnusableLocation("the log has no checkpoint") from None


def add_parsers(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    recount_parser = commands.add_parser(
        "recount", help="recount a published log from its tiles (URL or mirror directory)"
    )
    recount_parser.add_argument("log", help="the log's URL (.../p/<slug>/log) or a directory")
    add_trust_arguments(recount_parser)
    recount_parser.set_defaults(checks=recount_checks)

    mirror = commands.add_parser("mirror", help="keep a checked local copy of a published log")
    mirror.add_argument("url", help="the log's URL (.../p/<slug>/log)")
    mirror.add_argument("directory", help="where the copy is kept")
    mirror.add_argument(
        "--interval", type=int, default=0, help="repeat every this many seconds (0: once)"
    )
    add_trust_arguments(mirror)
    mirror.set_defaults(checks=mirror_checks)

    audit = commands.add_parser(
        "audit-sample",
        help="check an organizer's sample openings against a checkpoint and the log's tiles",
    )
    audit.add_argument("--log", required=True, help="the log's URL or a mirror directory")
    audit.add_argument("openings", help="the openings the organizer handed over (JSON)")
    add_trust_arguments(audit)
    audit.set_defaults(checks=audit_sample_checks)
