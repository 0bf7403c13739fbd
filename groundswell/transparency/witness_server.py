"""`groundswell witness`: a small C2SP witness any partner organization can run, no database.

    groundswell witness keygen <name> --key-file witness.key       a new cosigning key; prints
                                                                   its verifier key string
    groundswell witness serve --key-file witness.key --state witness.sqlite3 \\
        --log <origin> <log verifier key> [--log ...] [--listen 127.0.0.1:8080]

It serves C2SP tlog-witness's ``POST /add-checkpoint`` (``groundswell.transparency.witness`` makes
every decision), for the logs named with ``--log`` only. Per origin it keeps, in a SQLite file,
the size and root it last cosigned; a new state is stored with a conditional update on the size
it read, in the same transaction as the decision, so two concurrent requests can never roll it
back. It refuses rollbacks, forks and split views (another root at a size it cosigned) and
answers with its cosignature (c2sp.org/tlog-cosignature) otherwise.

Give the log's operator your verifier key (``keygen`` prints it; ``serve`` logs it at start):
they add ``<your URL>/add-checkpoint <verifier key>`` to TRANSPARENCY_WITNESSES.

This module must not import Django.
"""

import argparse
import contextlib
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from groundswell.transparency.signed_note import (
    CosignatureSigner,
    Ed25519Verifier,
    NoteError,
    Verifier,
    parse_signer_key,
    parse_verifier_key,
)
from groundswell.transparency.witness import LogState, add_checkpoint

logger = logging.getLogger("groundswell.witness")

MAX_BODY = 64 * 1024
ADD_CHECKPOINT_PATH = "/add-checkpoint"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class WitnessConfigError(Exception):
    """The witness cannot start: a key, a log or the state file is not usable."""


class WitnessState:
    """Per origin, the latest cosigned size and root, in SQLite."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        with self._connect() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS log_state ("
                " origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        return connection

    def decide(
        self,
        body: bytes,
        *,
        log_keys: dict[str, Sequence[Verifier]],
        signers: Sequence[CosignatureSigner],
        now: int,
    ) -> tuple[int, bytes, str]:
        """The answer to one request, the new state stored in the same write transaction."""
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            state = {
                origin: LogState(size, bytes(root))
                for origin, size, root in connection.execute(
                    "SELECT origin, size, root FROM log_state"
                )
            }
            response = add_checkpoint(
                body, log_keys=log_keys, state=state, signers=signers, now=now
            )
            if response.status == 200:
                assert response.origin is not None and response.new_state is not None
                connection.execute(
                    "INSERT INTO log_state (origin, size, root) VALUES (?, ?, ?) "
                    "ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root "
                    "WHERE log_state.size = ?",
                    (
                        response.origin,
                        response.new_state.size,
                        response.new_state.root_hash,
                        response.expected_size,
                    ),
                )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()
        if response.status != 200:
            logger.info("refused a checkpoint: %s %s", response.status, response.body[:200])
        return response.status, response.body, response.content_type

    def get(self, origin: str) -> LogState | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT size, root FROM log_state WHERE origin = ?", (origin,)
            ).fetchone()
        return LogState(row[0], bytes(row[1])) if row else None


REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
           422: "Unprocessable Content"}  # fmt: skip


def witness_app(
    *,
    state: WitnessState,
    log_keys: dict[str, Sequence[Verifier]],
    signers: Sequence[CosignatureSigner],
    clock: Callable[[], float] = time.time,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The witness as a WSGI application."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def answer(status: int, body: bytes, content_type: str = "text/plain") -> list[bytes]:
            start_response(
                f"{status} {REASONS.get(status, 'Error')}",
                [("Content-Type", content_type), ("Content-Length", str(len(body)))],
            )
            return [body]

        if environ.get("PATH_INFO") != ADD_CHECKPOINT_PATH:
            return answer(404, b"not found\n")
        if environ.get("REQUEST_METHOD") != "POST":
            return answer(405, b"POST only\n")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return answer(400, b"bad Content-Length\n")
        if length > MAX_BODY:
            return answer(413, b"request too large\n")
        body = environ["wsgi.input"].read(length)
        status, text, content_type = state.decide(
            body, log_keys=log_keys, signers=signers, now=int(clock())
        )
        return answer(status, text, content_type)

    return app


def read_signer(path: str) -> CosignatureSigner:
    try:
        signer = parse_signer_key(Path(path).read_text().strip())
    except OSError as error:
        raise WitnessConfigError(f"cannot read the key file {path}: {error.strerror}") from None
    except NoteError as error:
        raise WitnessConfigError(f"{path} is not a signer key: {error}") from None
    if not isinstance(signer, CosignatureSigner):
        raise WitnessConfigError(f"{path} is a log key (type 0x01), not a cosigning key (0x04)")
    return signer


def read_logs(pairs: Sequence[Sequence[str]]) -> dict[str, Sequence[Verifier]]:
    logs: dict[str, list[Verifier]] = {}
    for origin, vkey in pairs:
        try:
            verifier = parse_verifier_key(vkey)
        except NoteError as error:
            raise WitnessConfigError(f"--log {origin}: {error}") from None
        if not isinstance(verifier, Ed25519Verifier):
            raise WitnessConfigError(f"--log {origin}: {vkey!r} is not a log key")
        logs.setdefault(origin, []).append(verifier)
    if not logs:
        raise WitnessConfigError("name at least one log to witness with --log ORIGIN VKEY")
    return dict(logs)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


def make_witness_server(
    host: str,
    port: int,
    *,
    state: WitnessState,
    log_keys: dict[str, Sequence[Verifier]],
    signers: Sequence[CosignatureSigner],
) -> WSGIServer:
    app = witness_app(state=state, log_keys=log_keys, signers=signers)
    return make_server(host, port, app, handler_class=_QuietHandler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="groundswell witness")
    commands = parser.add_subparsers(dest="command", required=True)
    keygen = commands.add_parser("keygen", help="write a new cosigning key")
    keygen.add_argument("name", help="the witness's key name, e.g. witness.example.org")
    keygen.add_argument("--key-file", required=True)
    serve = commands.add_parser("serve", help="serve add-checkpoint")
    serve.add_argument("--key-file", required=True, help="the cosigning signer key")
    serve.add_argument("--state", required=True, help="the SQLite file of the logs' states")
    serve.add_argument(
        "--log", nargs=2, action="append", default=[], metavar=("ORIGIN", "VKEY"),
        help="a log to witness: its origin and verifier key (repeatable)",
    )  # fmt: skip
    serve.add_argument("--listen", default="127.0.0.1:8080", help="host:port")
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:
        return exit_request.code if isinstance(exit_request.code, int) else 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        if arguments.command == "keygen":
            return _keygen(arguments.name, arguments.key_file)
        signer = read_signer(arguments.key_file)
        logs = read_logs(arguments.log)
        host, _, port = arguments.listen.rpartition(":")
        server = make_witness_server(
            host or "127.0.0.1",
            int(port),
            state=WitnessState(arguments.state),
            log_keys=logs,
            signers=[signer],
        )
    except (WitnessConfigError, ValueError, sqlite3.Error) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 2
    logger.info("witness %s on %s for %s", signer.vkey, arguments.listen, ", ".join(logs))
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def _keygen(name: str, key_file: str) -> int:
    try:
        signer = CosignatureSigner.generate(name)
    except NoteError as error:
        raise WitnessConfigError(str(error)) from None
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise WitnessConfigError(f"{key_file} exists: not overwritten") from None
    with os.fdopen(descriptor, "w") as file:
        file.write(signer.skey + "\n")
    print(signer.vkey)
    return 0
