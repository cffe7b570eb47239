"""Writes the labelled signals corpus: tests/corpus/signals/{written,sisimai}/ and labels.jsonl.

The written messages come from the hand-written samples in benchmarks/signals_samples_*.py,
wrapped in the header sets real clients send (Exchange, Gmail, Sieve vacation, X-Autoreply,
subject only) and in plain, HTML-only, quoted and mobile bodies. The bounces are sisimai's
(BSD-2-Clause, LICENSE kept) with sisimai's own hard/soft verdicts (rb-sisimai's IsExpected
tables, in benchmarks/sisimai_expected.py). Run: python -m benchmarks.build_signals_corpus
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from benchmarks.signals_samples_ooo import AUTO_NOT_OOO, OOO
from benchmarks.signals_samples_people import INTENTS, LEFT, MACHINE_NEGATIVES, NEGATIVES
from benchmarks.signals_samples_phone import PHONE
from benchmarks.sisimai_expected import EXPECTED, RFC3834

ROOT = Path(__file__).parents[1] / "tests" / "corpus" / "signals"
SISIMAI_SRC = Path(__file__).parents[2] / "shared" / "corpora" / "sisimai"
RECRUITER = "Alex Recruiter <alex@talent.example>"

ENVELOPES: dict[str, dict[str, str]] = {
    "exchange": {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-MS-Exchange-Inbox-Rules-Loop": "{sender}",
        "X-MS-Has-Attach": "",
        "X-MS-TNEF-Correlator": "",
    },
    "html_exchange": {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-MS-Exchange-Inbox-Rules-Loop": "{sender}",
    },
    "gmail": {"Auto-Submitted": "auto-replied", "X-Gm-Message-State": "AOJu0Yx"},
    "autosubmitted": {"Auto-Submitted": "auto-replied (vacation)"},
    "xautoreply": {"X-Autoreply": "yes"},
    "xautorespond": {"X-Autorespond": "Out of office"},
    "precedence": {"Precedence": "auto_reply"},
    "subject": {},
    "person": {},
}


def message(
    name: str,
    sender: str,
    subject: str,
    sent: str,
    body: str,
    headers: dict[str, str],
    to: str = RECRUITER,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = sent
    msg["Message-ID"] = f"<{name}@corpus.signals.example>"
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    for key, value in headers.items():
        msg[key] = value.replace("{sender}", address)
    if body.lstrip().startswith("<html"):
        msg.set_content(body, subtype="html", cte="quoted-printable")
    else:
        msg.set_content(
            body, cte="8bit" if name.endswith(("1", "3", "5", "7", "9")) else "quoted-printable"
        )
    return bytes(msg)


def working_day_after(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def ooo_label(sent: str, return_date: str | None) -> dict[str, object]:
    sent_day = parsedate_to_datetime(sent).date()
    if return_date is None:
        due = sent_day + timedelta(days=7)
    else:
        due = working_day_after(date.fromisoformat(return_date))
    return {"signal": "out_of_office", "return_date": return_date, "due": due.isoformat()}


def main() -> None:
    written = ROOT / "written"
    written.mkdir(parents=True, exist_ok=True)
    labels: list[dict[str, object]] = []

    def put(name: str, data: bytes, label: dict[str, object]) -> None:
        (written / f"{name}.eml").write_bytes(data)
        labels.append({"file": f"written/{name}.eml", **label})

    for name, lang, env, sent, subject, body, ret in OOO:
        sender = f"{name.replace('-', '.')} <{name}@company.example>"
        put(
            name,
            message(name, sender, subject, sent, body, ENVELOPES[env]),
            {**ooo_label(sent, ret), "lang": lang},
        )
    for name, lang, env, sent, subject, body in AUTO_NOT_OOO:
        put(
            name,
            message(
                name, f"Helpdesk <{name}@helpdesk.example>", subject, sent, body, ENVELOPES[env]
            ),
            {"signal": None, "lang": lang},
        )
    for name, lang, sent, subject, new, quoted, kind, due, ref_name, ref_email in INTENTS:
        body = new if new.startswith("<html") else new + quoted
        sender = f"Candidate {name[-2:]} <{name}@people.example>"
        label: dict[str, object] = {"signal": f"intent:{kind}", "due": due, "lang": lang}
        if kind == "referral":
            label.update(referral_name=ref_name, referral_email=ref_email)
        put(
            name,
            message(
                name, sender, subject, sent, body, {"In-Reply-To": "<outreach@talent.example>"}
            ),
            label,
        )
    for name, lang, env, sent, subject, body, rep_name, rep_email in LEFT:
        sender = f"Former Employee <{name}@company.example>"
        put(
            name,
            message(name, sender, subject, sent, body, ENVELOPES[env]),
            {
                "signal": "left_company",
                "replacement_name": rep_name,
                "replacement_email": rep_email,
                "lang": lang,
            },
        )
    for name, lang, sent, subject, new, quoted in NEGATIVES:
        sender = f"Person {name[-2:]} <{name}@people.example>"
        put(
            name,
            message(name, sender, subject, sent, new + quoted, {}),
            {"signal": None, "lang": lang},
        )
    for name, sent, sender, subject, headers, body in MACHINE_NEGATIVES:
        if headers.get("Content-Type") == "__DSN_DELIVERED__":
            data = delivered_report(name, sender, subject, sent)
        else:
            data = message(name, sender, subject, sent, body, headers)
        put(name, data, {"signal": None})
    for name, system, status, number, duration, sent, sender, subject, headers, body in PHONE:
        put(
            name,
            message(name, sender, subject, sent, body, headers),
            {
                "signal": "phone_call",
                "system": system,
                "status": status,
                "number": number,
                "duration_s": duration,
            },
        )

    target = ROOT / "sisimai"
    target.mkdir(exist_ok=True)
    shutil.copy(SISIMAI_SRC / "LICENSE", target / "LICENSE")
    for src in sorted(SISIMAI_SRC.glob("*.eml")):
        verdict = EXPECTED.get(src.name)
        if src.name.startswith("arf-"):
            label = {
                "signal": None,
                "note": "abuse feedback report, not a bounce",
            }
        elif src.name in RFC3834:
            label = RFC3834[src.name]
        elif verdict is None:
            continue  # no published verdict for it: not labelled, not copied
        elif verdict[2] is None:
            label = {"signal": None, "note": verdict[3]}
        else:
            label = {
                "signal": "bounce",
                "hard": verdict[2],
                "address": verdict[0],
                "status": verdict[1],
            }
        shutil.copy(src, target / src.name)
        labels.append({"file": f"sisimai/{src.name}", **label})

    with (ROOT / "labels.jsonl").open("w") as out:
        for label in labels:
            out.write(json.dumps(label, ensure_ascii=False) + "\n")
    print(f"{len(labels)} labelled messages in {ROOT}")


def delivered_report(name: str, sender: str, subject: str, sent: str) -> bytes:
    boundary = "dsn-boundary-1"
    return (
        f"From: {sender}\r\nTo: {RECRUITER}\r\nSubject: {subject}\r\nDate: {sent}\r\n"
        f"Message-ID: <{name}@corpus.signals.example>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nYour message was delivered to the following recipient: "
        f"jane@northwind.example\r\n\r\n--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.talent.example\r\n\r\nFinal-Recipient: rfc822; jane@northwind.example\r\n"
        f"Action: delivered\r\nStatus: 2.0.0\r\n\r\n--{boundary}--\r\n"
    ).encode()


if __name__ == "__main__":
    main()
