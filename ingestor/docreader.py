"""Attached documents → text, in a worker process with a time limit (ingestor.docworker).

The worker is started on the first document and kept for the next ones: starting Python and
importing pypdf costs ~150 ms, more than reading a CV. A file that takes longer than its limit
gets its worker killed (the next file starts a new one) and a one-line reason; so does one
that crashes it. With parser processes, they only keep the files (`deferred`) and the
syncing process reads them after each batch: one reader, not one per parser.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import selectors
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from ingestor.extractors.attachments import Attachment, document_type

log = logging.getLogger(__name__)

READ_SECONDS = 15.0
OCR_SECONDS = 30.0


@dataclass(frozen=True)
class DocumentOptions:
    """What the parse stage does with attached CVs and cards (config: [defaults])."""

    read: bool = True
    ocr: bool | None = None  # None: on when tesseract is installed
    store_files: bool = False  # keep the files' bytes for the store (store_attachments)
    timeout: float = READ_SECONDS
    # Parser processes only parse and keep the files; the syncing process reads them (one
    # reader for all, while the parsers go on with the next batch).
    deferred: bool = False

    @property
    def ocr_on(self) -> bool:
        return self.ocr if self.ocr is not None else shutil.which("tesseract") is not None


@dataclass(frozen=True)
class ReadDocument:
    text: str | None  # None when the file could not be read; `error` says why
    pages: int = 0
    ocr: bool = False
    error: str | None = None


class DocReader:
    """A worker process that reads documents, restarted after a timeout or a crash."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None

    def read(self, attachment: Attachment, options: DocumentOptions) -> ReadDocument:
        kind = document_type(attachment.file_name, attachment.content_type)
        if attachment.data is None or kind is None:
            return ReadDocument(None, error=attachment.skipped or "not a document")
        ocr = options.ocr_on and kind in ("pdf", "image")
        limit = options.timeout + (OCR_SECONDS if ocr else 0.0)
        header: dict[str, Any] = {"kind": kind, "size": len(attachment.data), "ocr": ocr}
        header["ocr_budget"] = OCR_SECONDS
        header["seconds"] = options.timeout
        answer = self._ask(header, attachment.data, limit)
        if "error" in answer:
            return ReadDocument(None, error=str(answer["error"]))
        return ReadDocument(str(answer["text"]), int(answer["pages"]), bool(answer["ocr"]))

    def _ask(self, header: dict[str, Any], data: bytes, limit: float) -> dict[str, Any]:
        proc = self._worker()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(header).encode() + b"\n" + data)
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.close()
            return {"error": "the document reader stopped"}
        line = _read_line(proc, limit)
        if line is None:
            self.close()
            return {"error": f"took longer than {limit:.0f} s: skipped"}
        if not line:
            self.close()
            return {"error": "the document reader stopped on this file"}
        try:
            return dict(json.loads(line))
        except ValueError:
            self.close()
            return {"error": "the document reader answered nonsense"}

    def _worker(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "ingestor.docworker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": _package_root()},
            )
        return self._proc

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.kill()
        proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()


def _read_line(proc: subprocess.Popen[bytes], limit: float) -> bytes | None:
    """One line from the worker; None if none came within `limit` seconds."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + limit
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b""
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return b"".join(chunks)


def _package_root() -> str:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    extra = os.environ.get("PYTHONPATH")
    return f"{root}{os.pathsep}{extra}" if extra else root


_READERS: dict[int, DocReader] = {}


def reader() -> DocReader:
    """This process's reader. Kept per process id: a forked process must never share its
    parent's pipe (a parser process that reads, as `ingestor extract` or a test may do, gets
    its own), and the pool's pickled work function cannot carry one."""
    pid = os.getpid()
    if pid not in _READERS:
        _READERS[pid] = DocReader()
        atexit.register(_READERS[pid].close)
    return _READERS[pid]
