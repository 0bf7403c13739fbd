"""Our checkpoints and tiles, checked by an implementation we did not write: Go's sumdb packages.

tests/interop/go/tlogcheck is built in GOPATH mode against Debian's golang-golang-x-mod-dev
(``apt-get install -y golang-go golang-golang-x-mod-dev``; no module proxy needed). Without Go the
tests skip, unless GROUNDSWELL_REQUIRE_GO=1 (CI sets it) makes that a failure.
"""

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from groundswell.transparency.merkle import consistency_proof, inclusion_proof, root_hash
from groundswell.transparency.signed_note import CosignatureSigner, Ed25519Signer, open_note
from groundswell.transparency.tlog_tiles import DirectoryTiles, Tile
from tests.transparency.logs import ORIGIN, build_log, fixed_signer, signature_entries, tombstone

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
GOPATH = Path("/usr/share/gocode")
X_MOD = GOPATH / "src" / "golang.org" / "x" / "mod" / "sumdb"
# A partial level 0 tile, exact full tiles, partial level 1 and 2 tiles (the spec's example).
SIZES = [0, 1, 2, 7, 255, 256, 257, 1000, 70_000]


def go_environment(build_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GO111MODULE": "off",
        "GOPATH": str(GOPATH),
        "GOCACHE": str(build_dir / "gocache"),
        "GOFLAGS": "",
        "CGO_ENABLED": "0",
    }


@pytest.fixture(scope="module")
def tlogcheck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None or not (X_MOD / "note").is_dir() or not (X_MOD / "tlog").is_dir():
        reason = (
            "Go and Debian's golang.org/x/mod are not installed "
            "(apt-get install -y golang-go golang-golang-x-mod-dev)"
        )
        if os.environ.get("GROUNDSWELL_REQUIRE_GO") == "1":
            pytest.fail(f"{reason} and GROUNDSWELL_REQUIRE_GO=1")
        pytest.skip(reason)
    build_dir = tmp_path_factory.mktemp("go")
    binary = build_dir / "tlogcheck"
    built = subprocess.run(  # noqa: S603 - the go tool building our own program
        [go, "build", "-o", str(binary), "./tests/interop/go/tlogcheck"],
        cwd=REPOSITORY_ROOT,
        env=go_environment(build_dir),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return binary


def run(binary: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own test program
        [str(binary), *arguments], capture_output=True, text=True, check=False, timeout=300
    )


def entries_with_tombstones(size: int) -> list[bytes]:
    entries = signature_entries(size)
    # Every tenth entry revokes the signature two before it, so the log holds both kinds.
    for index in range(9, size, 10):
        entries[index] = tombstone(entries, index - 2)
    return entries


def write_log(directory: Path, size: int) -> tuple[Ed25519Signer, Path]:
    signer = fixed_signer()
    log = build_log(entries_with_tombstones(size), sink=DirectoryTiles(directory), signer=signer)
    witnesses = [
        CosignatureSigner.from_seed(f"witness.example/w{n}", bytes([n]) * 32) for n in (1, 2)
    ]
    cosignatures = [
        witness.cosign(log.checkpoint.text(), timestamp=1_740_830_400).line()
        for witness in witnesses
    ]
    DirectoryTiles(directory).write("checkpoint", log.note + "".join(cosignatures).encode())
    proofs: dict[str, list[dict[str, object]]] = {"inclusion": [], "consistency": []}
    for index in sorted({0, size // 2, size - 1, 256, 300} & set(range(size))):
        proof = inclusion_proof(log.store, index=index, tree_size=size)
        proofs["inclusion"].append({"index": index, "proof": b64(proof)})
    for old_size in sorted({1, size // 3, 256, size - 1, size} & set(range(1, size + 1))):
        proof = consistency_proof(log.store, old_size=old_size, new_size=size)
        old_root = root_hash(log.store, tree_size=old_size)
        proofs["consistency"].append(
            {
                "old_size": old_size,
                "old_root": base64.b64encode(old_root).decode(),
                "proof": b64(proof),
            }
        )
    proofs_file = directory.parent / f"{directory.name}-proofs.json"
    proofs_file.write_text(json.dumps(proofs))
    return signer, proofs_file


def b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(node).decode() for node in hashes]


@pytest.mark.parametrize("size", SIZES)
def test_go_verifies_our_checkpoint_tiles_and_proofs(
    tlogcheck: Path, tmp_path: Path, size: int
) -> None:
    directory = tmp_path / "log"
    signer, proofs = write_log(directory, size)

    completed = run(
        tlogcheck, "verify", "-vkey", signer.vkey, "-origin", ORIGIN, "-dir", str(directory),
        "-proofs", str(proofs),
    )  # fmt: skip

    assert completed.returncode == 0, completed.stdout + completed.stderr
    output = completed.stdout
    # Our log signature verified; the two witness cosignatures are well-formed lines Go skips.
    assert "OK: note.Open verified 1 signature(s); unverified signatures: 2" in output
    assert f"size {size} root" in output
    assert 'extensions ["live ' in output
    if size:
        assert "tlog.TileHashReader + tlog.TreeHash give the checkpoint's root" in output
        assert f"OK: the {size} entries rebuild the checkpoint's root" in output
        assert "published tiles equal tlog.ReadTileData of Go's tree" in output
        assert "inclusion proofs pass tlog.CheckRecord" in output
        assert "consistency proofs pass tlog.CheckTree" in output


@pytest.mark.parametrize(
    "path",
    [Tile(0, 1, 256).path, Tile(0, 3, 232).path, Tile(1, 0, 3).path, Tile(None, 2, 256).path],
)
def test_go_refuses_a_changed_tile(tlogcheck: Path, tmp_path: Path, path: str) -> None:
    directory = tmp_path / "log"
    signer, proofs = write_log(directory, 1000)
    tile = directory / path
    data = bytearray(tile.read_bytes())
    data[5] ^= 1
    tile.write_bytes(bytes(data))

    completed = run(
        tlogcheck, "verify", "-vkey", signer.vkey, "-origin", ORIGIN, "-dir", str(directory),
        "-proofs", str(proofs),
    )  # fmt: skip

    assert completed.returncode == 1
    assert "FAILED:" in completed.stderr


def test_go_refuses_our_checkpoint_under_another_key(tlogcheck: Path, tmp_path: Path) -> None:
    directory = tmp_path / "log"
    write_log(directory, 10)

    completed = run(
        tlogcheck, "verify", "-vkey", fixed_signer(number=2).vkey, "-origin", ORIGIN,
        "-dir", str(directory),
    )  # fmt: skip

    assert completed.returncode == 1
    assert "note has no verifiable signatures" in completed.stderr


def test_go_signs_with_our_signer_key_and_we_verify_it(tlogcheck: Path, tmp_path: Path) -> None:
    signer = Ed25519Signer.generate(ORIGIN)
    text = build_log(signature_entries(3)).checkpoint.text()
    text_file = tmp_path / "text"
    text_file.write_bytes(text)

    completed = run(tlogcheck, "sign", "-skey", signer.skey, "-text", str(text_file))

    assert completed.returncode == 0, completed.stderr
    note = completed.stdout.encode()
    assert open_note(note, [signer.verifier]).text == text
    assert note == text + b"\n" + signer.sign(text).line().encode()


@pytest.mark.django_db
def test_go_verifies_the_checkpoint_and_tiles_the_running_log_serves(
    tlogcheck: Path, tmp_path: Path, client, campaign, run_on_commit
) -> None:
    # Django-side imports here keep the module's pure tests free of the database fixtures.
    from groundswell.signatures.models import Signature
    from groundswell.transparency.log_store import DatabaseNodeStore
    from groundswell.transparency.models import EntryNode
    from groundswell.transparency.note_keys import log_signer
    from groundswell.transparency.services.log import transparency_signature_withdrawn
    from groundswell.transparency.services.signed_checkpoints import signed_checkpoint_create
    from groundswell.transparency.tlog_tiles import entry_bundles_to_publish, tree_tiles
    from tests.transparency.test_tiled_log import ClientTiles, confirmed_in_bulk, origin

    confirmed_in_bulk(campaign, 300)
    for signature_id in Signature.objects.order_by("pk").values_list("pk", flat=True)[:3]:
        transparency_signature_withdrawn(
            signature_id=signature_id, campaign_id=campaign.pk, reason="withdrawn"
        )
    with run_on_commit():
        checkpoint = signed_checkpoint_create(campaign_id=campaign.pk)
    size = checkpoint.tree_size
    directory = tmp_path / "served"
    mirror = DirectoryTiles(directory)
    served = ClientTiles(client, campaign.slug)
    mirror.write("checkpoint", served.read("checkpoint"))
    for tile in [*tree_tiles(size), *entry_bundles_to_publish(old_size=0, new_size=size)]:
        mirror.write(tile.path, served.read(tile.path))
    store = DatabaseNodeStore(campaign_id=campaign.pk, model=EntryNode)
    proofs = {
        "inclusion": [
            {"index": index, "proof": b64(inclusion_proof(store, index=index, tree_size=size))}
            for index in (0, 255, 256, size - 1)
        ],
        "consistency": [
            {
                "old_size": old_size,
                "old_root": base64.b64encode(root_hash(store, tree_size=old_size)).decode(),
                "proof": b64(consistency_proof(store, old_size=old_size, new_size=size)),
            }
            for old_size in (1, 256, size - 1)
        ],
    }
    proofs_file = tmp_path / "proofs.json"
    proofs_file.write_text(json.dumps(proofs))

    completed = run(
        tlogcheck, "verify", "-vkey", log_signer().vkey, "-origin", origin(campaign),
        "-dir", str(directory), "-proofs", str(proofs_file),
    )  # fmt: skip

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"OK: the {size} entries rebuild the checkpoint's root" in completed.stdout
    assert "published tiles equal tlog.ReadTileData of Go's tree" in completed.stdout
    assert "inclusion proofs pass tlog.CheckRecord" in completed.stdout
