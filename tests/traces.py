"""Where is a person still? Every table of the database (read with raw SQL, Django's own tables
included), every file under MEDIA_ROOT (inside ZIPs, and the text of PDFs drawn with a built-in
font) and the cache, searched for words of theirs, whatever their case."""

import base64
import io
import pickle
import re
import zipfile
import zlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def traces_of(*needles: str) -> list[str]:
    """Where any of `needles` (compared in lower case) is found: ["table.column: value", ...]."""
    wanted = [needle.lower() for needle in needles]
    found = []
    for where, text in _everything():
        lowered = text.lower()
        found += [f"{where}: {needle}" for needle in wanted if needle in lowered]
    return found


def table_names() -> list[str]:
    return sorted(connection.introspection.table_names())


def _everything():
    yield from _database()
    yield from _files(Path(settings.MEDIA_ROOT))
    yield from _cache()


def _database():
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        yield f"{table}.{column}", _text(value)


def _text(value: object) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _files(root: Path):
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield from _file_texts(str(path), path.read_bytes())


def _file_texts(where: str, data: bytes):
    yield where, data.decode("latin-1")
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                yield from _file_texts(f"{where}!{name}", archive.read(name))
    if data.startswith(b"%PDF"):
        yield f"{where} (text)", _pdf_text(data)


def _pdf_text(data: bytes) -> str:
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        raw = stream.strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        try:
            texts.append(zlib.decompress(raw).decode("cp1252", errors="replace"))
        except (zlib.error, ValueError):
            continue
    return "\n".join(texts).replace(") Tj (", "")


def _cache():
    store = getattr(cache, "_cache", None)
    if isinstance(store, dict):  # local memory
        for key, value in store.items():
            yield f"cache {key}", _text(value) + repr(_unpickled(value))
        return
    client = cache._cache.get_client(None, write=False)  # Redis
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    for key in client.scan_iter(f"{prefix}*"):
        value = client.get(key) or b""
        yield f"cache {key!r}", _text(value) + repr(_unpickled(value))


def _unpickled(value: object) -> object:
    try:
        return pickle.loads(value)  # noqa: S301 (our own test cache)
    except Exception:
        return None
