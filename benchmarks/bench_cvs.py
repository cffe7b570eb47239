"""CV parsing on vs off, side by side: a Maildir where one message in ten carries a ~300 KB PDF
CV (text and a photo, as designed CVs are) is synced into a fresh SQLite store by
`ingestor sync --once` in a child process, with `read_attachments` true and false, in
alternating runs. Prints messages per second, the ratio (the issue's target: at least 0.5) and
the peak memory of the process tree (the document reader's worker included).

Usage: python benchmarks/bench_cvs.py [--messages N] [--runs R]
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import corpus  # noqa: E402
from benchmarks.build_cv_corpus import doc_blocks, render_pdf  # noqa: E402
from benchmarks.cv_people import make_person  # noqa: E402
from benchmarks.measure import run  # noqa: E402

CV_BYTES = 300 * 1024


def cv_pdf(seed: int) -> bytes:
    """A one-page CV with a noisy photo, padded by the photo's quality to ~300 KB."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Frame, Paragraph

    rng = random.Random(seed)
    p = make_person(rng, f"bench{seed:03d}", rng.choice(["en", "de", "ru"]))
    with tempfile.TemporaryDirectory() as tmp:
        text_pdf = Path(tmp) / "cv.pdf"
        render_pdf(doc_blocks(p, "plain"), text_pdf)  # registers the fonts
        noise = Image.frombytes("RGB", (640, 640), rng.randbytes(640 * 640 * 3))
        buf = io.BytesIO()
        noise.save(buf, "JPEG", quality=68)
        out = io.BytesIO()
        c = canvas.Canvas(out, pagesize=A4)
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 420, 680, 120, 120)
        style = ParagraphStyle("b", fontName="DV", fontSize=10, leading=13)
        frame = Frame(40, 40, 360, 760)
        lines = [v for kind, v in doc_blocks(p, "plain") if isinstance(v, str)]
        frame.addFromList([Paragraph(line.replace("&", "&amp;").replace("<", "&lt;"), style)
                           for line in lines], c)  # fmt: skip
        c.save()
    return out.getvalue()


def mailbox(root: Path, n: int) -> int:
    cvs = [cv_pdf(i) for i in range(10)]
    with_cv = 0
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for i, (_, raw) in enumerate(corpus.generate(n, seed=18)):
        if i % 10 == 9:
            msg = EmailMessage()
            msg["From"] = f"Candidate {i} <candidate{i}@mailbox.example>"
            msg["To"] = f"Anna Keller <{corpus.OWNER}>"
            msg["Subject"] = f"Application #{i}"
            msg["Message-ID"] = f"<cv-bench-{i}@mailbox.example>"
            msg["Date"] = format_datetime(datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=i))
            msg.set_content("Hello Anna,\n\nmy CV is attached.\n\nBest regards\n")
            msg.add_attachment(cvs[i // 10 % 10], maintype="application", subtype="pdf",
                               filename=f"CV_{i}.pdf")  # fmt: skip
            raw = msg.as_bytes()
            with_cv += 1
        (root / "cur" / f"{1700000000 + i}.M{i}P1.bench:2,S").write_bytes(raw)
    return with_cv


def config(path: Path, maildir: Path, store: Path, read: bool) -> Path:
    path.write_text(
        f"""[store]
url = "sqlite:///{store}"

[defaults]
internal_domains = ["agency.example"]
read_attachments = {str(read).lower()}

[logging]
level = "WARNING"

[[sources]]
name = "bench"
type = "maildir"
path = "{maildir}"
folders = ["INBOX"]
owner_addresses = ["{corpus.OWNER}"]
"""
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cvs-"))
    try:
        maildir = work / "mail"
        with_cv = mailbox(maildir, args.messages)
        sizes = [f.stat().st_size for f in (maildir / "cur").iterdir()]
        print(f"{args.messages} messages, {with_cv} with a CV of ~{CV_BYTES // 1024} KB "
              f"({sum(sizes) / 2**20:.0f} MB in all)")  # fmt: skip
        results: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        largest: dict[bool, float] = {}  # the largest single process's peak RSS
        for r in range(args.runs):
            for read in (True, False) if r % 2 == 0 else (False, True):
                store = work / f"store-{read}-{r}.db"
                cfg = config(work / f"cfg-{read}-{r}.toml", maildir, store, read)
                argv = [
                    sys.executable,
                    "-m",
                    "ingestor.cli",
                    "--config",
                    str(cfg),
                    "sync",
                    "--once",
                ]
                done = run(argv)
                if done.returncode != 0:
                    raise SystemExit(f"sync failed:\n{done.stderr[-3000:]}")
                results[read].append((args.messages / done.wall_s, done.tree_pss_peak_mb))
                largest[read] = max(largest.get(read, 0.0), done.maxrss_mb)
                print(f"run {r} CV parsing {'on ' if read else 'off'}: {done.wall_s:6.2f} s, "
                      f"{args.messages / done.wall_s:6.0f} msg/s, peak PSS {done.tree_pss_peak_mb:.0f} MB")  # fmt: skip
        on = statistics.median(x for x, _ in results[True])
        off = statistics.median(x for x, _ in results[False])
        print(
            f"median: on {on:.0f} msg/s, off {off:.0f} msg/s, ratio {on / off:.2f} (target >= 0.5)"
        )
        print(f"peak PSS: on {max(m for _, m in results[True]):.0f} MB, "
              f"off {max(m for _, m in results[False]):.0f} MB; largest process: "
              f"on {largest[True]:.0f} MB, off {largest[False]:.0f} MB")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
