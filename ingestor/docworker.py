"""The document reader's worker process: `python -m ingestor.docworker`.

It reads requests from stdin (a JSON header line, then the file's bytes), and answers each on
stdout with one JSON line: the text, the page count, or a one-line error. It limits its own
address space, so a decompression bomb ends it instead of the daemon; the parent
(ingestor.docreader) kills it when a file takes longer than its time limit, and starts another.
OCR runs the tesseract CLI, each image with its own time limit; a Word 97-2003 file goes
through catdoc the same way.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from typing import Any

from ingestor.extractors.doctext import (
    MAX_TEXT_CHARS,
    DocumentError,
    DocumentText,
    document_text,
)

MEMORY_LIMIT = 1024 * 1024 * 1024
OCR_LANGUAGES = ("eng", "deu", "rus", "fra")
OCR_IMAGE_SECONDS = 15.0
MAX_OCR_IMAGES = 4


def installed_languages() -> list[str]:
    exe = shutil.which("tesseract")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    have = {line.strip() for line in out.splitlines()[1:]}
    return [lang for lang in OCR_LANGUAGES if lang in have]


def ocr(images: list[bytes], languages: list[str], budget: float) -> str:
    """Text of the images by tesseract; each has its own limit, all together `budget`."""
    exe = shutil.which("tesseract")
    if exe is None or not languages:
        return ""
    texts: list[str] = []
    deadline = time.monotonic() + budget
    for image in images[:MAX_OCR_IMAGES]:
        left = min(OCR_IMAGE_SECONDS, deadline - time.monotonic())
        if left <= 0:
            break
        try:
            done = subprocess.run(
                [exe, "stdin", "stdout", "-l", "+".join(languages), "--psm", "6"],
                input=image,
                capture_output=True,
                timeout=left,
                check=False,
                # One thread: OCR must not take every core from the sync and the servers.
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        texts.append(done.stdout.decode("utf-8", "replace"))
    return "\n".join(texts)


def word97_text(data: bytes, seconds: float) -> str:
    """Text of a Word 97-2003 file by catdoc (UTF-8 out, one line per paragraph); raises
    DocumentError when catdoc is missing, fails or takes longer than `seconds`."""
    exe = shutil.which("catdoc")
    if exe is None:
        raise DocumentError("a Word 97-2003 document, and catdoc is not installed")
    try:
        done = subprocess.run(
            [exe, "-w", "-d", "utf-8", "-"],
            input=data,
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DocumentError(f"catdoc took longer than {seconds:.0f} s") from None
    except OSError as e:
        raise DocumentError(f"catdoc could not run: {e.strerror}") from None
    if done.returncode != 0:
        raise DocumentError("unreadable Word 97-2003 document")
    return done.stdout.decode("utf-8", "replace")[:MAX_TEXT_CHARS]


def handle(header: dict[str, Any], data: bytes, languages: list[str]) -> dict[str, Any]:
    try:
        doc = document_text(data, header["kind"])
        if doc.word97 is not None:
            # Its answer must come before the parent's limit ends this worker.
            doc = DocumentText(word97_text(doc.word97, 0.8 * header["seconds"]))
    except DocumentError as e:
        return {"error": str(e)}
    text, ocred = doc.text, False
    if doc.scans and header.get("ocr"):
        text = "\n".join(t for t in (text, ocr(doc.scans, languages, header["ocr_budget"])) if t)
        ocred = True
    elif doc.scans and not text.strip():
        return {"error": "scanned, and OCR is off"}
    return {"text": text, "pages": doc.pages, "ocr": ocred}


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    # Answers go to the real stdout only: whatever a parser library prints goes to stderr.
    stdout = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    languages = installed_languages()
    stdin = sys.stdin.buffer
    while True:
        line = stdin.readline()
        if not line:
            return
        header = json.loads(line)
        data = stdin.read(header["size"])
        try:
            answer = handle(header, data, languages)
        except MemoryError:
            answer = {"error": "over the memory limit"}
        except RecursionError:
            answer = {"error": "nested too deeply to read"}
        except Exception as e:  # a parser library's own failure on a hostile file
            answer = {"error": f"unreadable: {type(e).__name__}"}
        stdout.write(json.dumps(answer) + "\n")
        stdout.flush()


if __name__ == "__main__":
    main()
