"""A deterministic, streamed corpus of realistic recruiter mail for the benchmarks.

`generate(n, seed)` yields `(folder, raw_bytes)` one message at a time, so 100,000 messages never
sit in memory. The same (n, seed) always gives the same bytes. What is in it:

- a few thousand distinct people, on freemail and corporate domains, writing to one recruiter
  (anna.keller@agency.example, with colleagues at agency.example), and her replies in "Sent";
- threads with In-Reply-To and References, replies that quote the history ("On ... wrote:");
- text/plain, text/html and multipart/alternative bodies, signatures with phone numbers;
- about 10% automated mail: newsletters with List-Id/List-Unsubscribe, no-reply notifications;
- about 5% with a PDF or DOCX attachment of 50 KB to 2 MB (base64);
- for n >= 2000, three messages with a 25 MB attachment (over the 25 MiB size cap, so the
  ingestor records their headers only) and three just under the cap (downloaded and parsed:
  these are what the peak-RSS target is about);
- about 1% without a Message-ID.

`ensure_corpus(n, seed)` writes the corpus once under benchmarks/out/corpus/ and `read_folder()`
streams it back, one folder at a time, for DovecotServer.bulk_load.
"""

from __future__ import annotations

import base64
import json
import math
import random
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
OWNER = "anna.keller@agency.example"
OWNER_NAME = "Anna Keller"
FOLDERS = ("INBOX", "Sent")
MAX_MESSAGE_SIZE = 25 * 1024 * 1024  # the ingestor's default cap (25MB = 25 MiB)
HUGE_ATTACHMENT = 25 * 1000 * 1000  # "a 25 MB attachment": over the cap once base64-encoded
# Raw size whose base64 (76-char lines) lands just under the cap: 4/3 * 77/76 expansion.
NEAR_CAP_ATTACHMENT = int(MAX_MESSAGE_SIZE / (4 / 3 * 77 / 76)) - 64 * 1024
FORMAT_VERSION = 1

FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Steven",
    "Ashley",
    "Paul",
    "Emily",
    "Andrew",
    "Kimberly",
    "Joshua",
    "Donna",
    "Kevin",
    "Michelle",
    "Brian",
    "Carol",
    "George",
    "Amanda",
    "Timothy",
    "Melissa",
    "Ronald",
    "Deborah",
    "Jason",
    "Stephanie",
    "Lukas",
    "Anna",
    "Leon",
    "Mia",
    "Finn",
    "Emma",
    "Jonas",
    "Hannah",
    "Noah",
    "Sofia",
    "Elias",
    "Lea",
    "Paul",
    "Marie",
    "Felix",
    "Laura",
    "Maximilian",
    "Julia",
    "Sophie",
    "Louis",
    "Chloe",
    "Hugo",
    "Camille",
    "Arthur",
    "Manon",
    "Jules",
    "Ines",
    "Dmitri",
    "Olga",
    "Ivan",
    "Natalia",
    "Sergei",
    "Elena",
    "Priya",
    "Arjun",
    "Ananya",
    "Rahul",
    "Wei",
    "Li",
    "Hiroshi",
    "Yuki",
    "Carlos",
    "Lucia",
    "Mateo",
    "Valentina",
    "Ahmed",
    "Fatima",
    "Omar",
    "Aisha",
    "Kofi",
    "Amara",
    "Sven",
    "Ingrid",
    "Lars",
    "Astrid",
    "Pieter",
    "Sanne",
    "Tomasz",
    "Agnieszka",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Mueller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Ivanov",
    "Petrov",
    "Sokolova",
    "Kuznetsova",
    "Sharma",
    "Patel",
    "Gupta",
    "Singh",
    "Wang",
    "Zhang",
    "Tanaka",
    "Suzuki",
    "Fernandez",
    "Silva",
    "Santos",
    "Haddad",
    "Mensah",
    "Okafor",
    "Johansson",
    "Larsen",
    "de",
    "Vries",
    "Jansen",
    "Kowalski",
    "Nowak",
    "O'Brien",
]
FREEMAIL = (
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "gmx.de",
    "web.de",
    "icloud.com",
    "mail.ru",
    "proton.me",
    "orange.fr",
)
COMPANY_A = [
    "Acme",
    "Nova",
    "Blue",
    "Bright",
    "Quantum",
    "Summit",
    "Pioneer",
    "Vertex",
    "Silver",
    "Iron",
    "Green",
    "North",
    "Delta",
    "Apex",
    "Core",
    "Urban",
    "Clear",
    "Swift",
    "Prime",
    "Atlas",
    "Orbit",
    "Cedar",
    "Harbor",
    "Falcon",
]
COMPANY_B = [
    "Robotics",
    "Analytics",
    "Logistics",
    "Systems",
    "Labs",
    "Software",
    "Health",
    "Energy",
    "Capital",
    "Dynamics",
    "Networks",
    "Foods",
    "Media",
    "Bank",
    "Motors",
    "Pharma",
    "Retail",
    "Studios",
    "Cloud",
    "Security",
]
TITLES = (
    "Senior Software Engineer",
    "Data Scientist",
    "Product Manager",
    "Head of Engineering",
    "Backend Developer",
    "DevOps Engineer",
    "UX Designer",
    "Engineering Manager",
    "Sales Director",
    "Financial Analyst",
    "CTO",
    "Marketing Lead",
)
CITIES = ("Berlin", "Munich", "London", "Paris", "New York", "Austin", "Toronto", "Amsterdam")
SUBJECTS = (
    "{title} role at {company}",
    "Re: your application for {title}",
    "Interview slots for the {title} position",
    "Quick question about the {title} opening",
    "Intro: {name} for {title}",
    "Following up on our call",
    "Offer details - {title}",
    "CV attached: {name}",
    "Availability next week?",
    "Referral for {company}",
)
SENTENCES = (
    "Thanks for reaching out about the {title} position at {company}.",
    "I would be happy to have a call later this week to discuss the details.",
    "Could you share a bit more about the team and the tech stack?",
    "My notice period is three months, but that may be negotiable.",
    "I'm currently based in {city} and open to hybrid or remote work.",
    "Attached is my updated CV; let me know if anything is missing.",
    "The hiring manager liked your profile and would like to schedule a first interview.",
    "Would Tuesday at 10:00 or Thursday at 15:30 work for you?",
    "The salary range for this role is competitive and includes equity.",
    "I have spent the last five years building distributed systems in Python and Go.",
    "We are expanding our engineering team in {city} and I thought of you.",
    "Please find the job description below, together with the interview process.",
    "Let me know if you know anyone who might be interested.",
    "I'm afraid I have accepted another offer, but thank you for your time.",
    "Could we move the interview to next Monday?",
    "The second round will be a technical discussion with two engineers.",
)
GERMAN = (
    "Vielen Dank für Ihre Nachricht und das Interesse an der Stelle.",
    "Gerne können wir nächste Woche telefonieren.",
    "Anbei finden Sie meinen aktuellen Lebenslauf.",
    "Über eine kurze Rückmeldung würde ich mich sehr freuen.",
)
NEWSLETTERS = (
    ("Tech Jobs Weekly", "news@techjobs-weekly.example", "weekly.techjobs-weekly.example"),
    ("RecruitCon Updates", "updates@recruitcon.example", "updates.recruitcon.example"),
    ("HR Digest", "digest@hr-digest.example", "digest.hr-digest.example"),
)
NOTIFIERS = (
    ("LinkedIn", "noreply@notifications.linkedin.example"),
    ("Workday", "no-reply@workday.example"),
    ("Greenhouse", "notifications@greenhouse.example"),
    ("Calendar", "calendar-notification@google.example"),
)
COLLEAGUES = (
    ("Tom Berger", "tom.berger@agency.example"),
    ("Sara Lind", "sara.lind@agency.example"),
    ("Jonas Weiss", "jonas.weiss@agency.example"),
)


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str
    company: str
    title: str
    city: str


@dataclass
class Thread:
    subject: str
    person: Person
    ids: list[str] = field(default_factory=list)
    last_text: str = ""
    last_from: str = ""
    last_date: datetime | None = None


def _people(rng: random.Random, count: int) -> list[Person]:
    people: list[Person] = []
    seen: set[str] = set()
    while len(people) < count:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}"
        if rng.random() < 0.55:
            domain = rng.choice(FREEMAIL)
            local = rng.choice(
                (f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}{rng.randint(1, 99)}")
            )
        else:
            domain = company.lower().replace(" ", "-") + rng.choice((".com", ".io", ".de"))
            local = rng.choice((f"{first}.{last}", f"{first[0]}.{last}", first))
        email = f"{local}@{domain}".lower().replace(" ", "").replace("'", "")
        if email in seen:
            continue
        seen.add(email)
        phone = rng.choice(
            (
                f"+49 30 {rng.randint(1000000, 9999999)}",
                f"+1 (512) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
                f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                f"0171 {rng.randint(1000000, 9999999)}",
            )
        )
        people.append(
            Person(f"{first} {last}", email, phone, company, rng.choice(TITLES), rng.choice(CITIES))
        )
    return people


def _paragraphs(rng: random.Random, p: Person, german: bool) -> str:
    pool = GERMAN if german else SENTENCES
    paras = []
    for _ in range(rng.randint(1, 4)):
        sentences = [
            rng.choice(pool).format(title=p.title, company=p.company, city=p.city)
            for _ in range(rng.randint(1, 4))
        ]
        paras.append(" ".join(sentences))
    return "\n\n".join(paras)


def _signature(name: str, p: Person, rng: random.Random) -> str:
    lines = ["--", name]
    if rng.random() < 0.7:
        lines.append(f"{p.title} | {p.company}")
    lines.append(f"Mobile: {p.phone}")
    if rng.random() < 0.3:
        lines.append(f"www.{p.company.lower().replace(' ', '')}.example")
    return "\n".join(lines)


def _html(text: str) -> str:
    paras = "".join(
        "<p>" + para.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>") + "</p>\n"
        for para in text.split("\n\n")
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>p{margin:0 0 1em}</style>"
        f"</head><body><div style='font-family:Arial'>\n{paras}</div></body></html>\n"
    )


def _qp_free(text: str) -> bytes:
    """UTF-8 body text with LF line ends (how Dovecot stores Maildir files)."""
    return text.encode("utf-8")


def _attachment(rng: random.Random, size: int, name: str) -> tuple[str, bytes]:
    ctype = (
        "application/pdf"
        if name.endswith(".pdf")
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    magic = b"%PDF-1.7\n" if name.endswith(".pdf") else b"PK\x03\x04"
    payload = magic + rng.randbytes(max(0, size - len(magic)))
    return ctype, base64.encodebytes(payload)


class Generator:
    """Streams one corpus; state is a bounded set of open threads, not the messages."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.people = _people(self.rng, max(50, min(4000, n // 5)))
        self.threads: list[Thread] = []
        self.start = datetime(2019, 1, 7, 8, 0, tzinfo=UTC)
        self.step = timedelta(minutes=max(1, int(5 * 365 * 24 * 60 / max(n, 1))))
        big: dict[int, int] = {}
        if n >= 2000:
            for k in range(3):
                big[n * (2 * k + 1) // 7] = HUGE_ATTACHMENT
                big[n * (2 * k + 2) // 7] = NEAR_CAP_ATTACHMENT
        self.big = big

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        for i in range(self.n):
            yield self.message(i)

    def message(self, i: int) -> tuple[str, bytes]:
        rng = self.rng
        date = self.start + self.step * i + timedelta(seconds=rng.randint(0, 59))
        date = date.astimezone(rng.choice((UTC, UTC, _tz(1), _tz(2), _tz(-5))))
        mid = f"<{i:07d}.{rng.getrandbits(40):010x}@{rng.choice(('mail.gmail.com', 'mx.example', 'outlook.example'))}>"
        if i in self.big:
            return self._with_attachment(i, date, mid, self.big[i])
        roll = rng.random()
        if roll < 0.06:
            return self._newsletter(i, date, mid)
        if roll < 0.10:
            return self._notification(i, date, mid)
        if roll < 0.15:
            size = int(math.exp(rng.uniform(math.log(50_000), math.log(2_000_000))))
            return self._with_attachment(i, date, mid, size)
        return self._conversation(i, date, mid)

    # -- kinds of mail ------------------------------------------------------------------

    def _conversation(self, i: int, date: datetime, mid: str) -> tuple[str, bytes]:
        rng = self.rng
        thread: Thread | None = None
        if self.threads and rng.random() < 0.45:
            thread = rng.choice(self.threads)
        if thread is None:
            person = rng.choice(self.people)
            subject = rng.choice(SUBJECTS).format(
                title=person.title, company=person.company, name=person.name
            )
            thread = Thread(subject, person)
            self.threads.append(thread)
            if len(self.threads) > 400:
                self.threads.pop(rng.randrange(len(self.threads)))
        p = thread.person
        outbound = rng.random() < 0.3 if not thread.ids else thread.last_from != OWNER
        german = p.email.endswith((".de", "gmx.de", "web.de")) and rng.random() < 0.6
        if outbound:
            sender, to = f"{OWNER_NAME} <{OWNER}>", _addr(p)
            body = f"Hi {p.name.split()[0]},\n\n" + _paragraphs(rng, p, german)
            body += "\n\nBest regards,\n" + _signature(
                OWNER_NAME,
                Person(OWNER_NAME, OWNER, "+49 30 5550100", "Agency", "Senior Recruiter", ""),
                rng,
            )
        else:
            sender, to = _addr(p), f"{OWNER_NAME} <{OWNER}>"
            body = f"Hello {OWNER_NAME.split()[0]},\n\n" + _paragraphs(rng, p, german)
            body += "\n\nKind regards,\n" + _signature(p.name, p, rng)
        if thread.ids and thread.last_date is not None:
            quoted = "\n".join("> " + line for line in thread.last_text.splitlines()[:40])
            who = OWNER_NAME if thread.last_from == OWNER else p.name
            body += f"\n\nOn {format_datetime(thread.last_date)}, {who} wrote:\n{quoted}\n"
        headers = [
            ("From", sender),
            ("To", to),
            ("Subject", ("Re: " if thread.ids else "") + thread.subject),
            ("Date", format_datetime(date)),
        ]
        if rng.random() < 0.12:
            name, address = rng.choice(COLLEAGUES)
            headers.append(("Cc", f"{name} <{address}>"))
        if rng.random() < 0.05:
            other = rng.choice(self.people)
            headers.append(("Cc", _addr(other)))
        if rng.random() >= 0.01:
            headers.append(("Message-ID", mid))
        if thread.ids:
            headers.append(("In-Reply-To", thread.ids[-1]))
            headers.append(("References", " ".join(thread.ids[-20:])))
        thread.ids.append(mid)
        thread.last_text, thread.last_from, thread.last_date = body, OWNER if outbound else "", date
        kind = rng.random()
        if kind < 0.4:
            raw = _single(headers, "text/plain; charset=utf-8", "8bit", _qp_free(body))
        elif kind < 0.55:
            raw = _single(headers, "text/html; charset=utf-8", "8bit", _qp_free(_html(body)))
        else:
            raw = _alternative(headers, body, rng)
        return ("Sent" if outbound else "INBOX"), raw

    def _newsletter(self, i: int, date: datetime, mid: str) -> tuple[str, bytes]:
        rng = self.rng
        name, address, list_id = rng.choice(NEWSLETTERS)
        p = rng.choice(self.people)
        jobs = "\n".join(
            f"* {rng.choice(TITLES)} at {rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}, "
            f"{rng.choice(CITIES)}"
            for _ in range(rng.randint(5, 25))
        )
        body = f"This week's picks:\n\n{jobs}\n\n{_paragraphs(rng, p, False)}\n\nUnsubscribe: https://{list_id}/u/{i}\n"
        headers = [
            ("From", f"{name} <{address}>"),
            ("To", f"{OWNER_NAME} <{OWNER}>"),
            ("Subject", f"{name}: {rng.randint(5, 40)} new roles this week"),
            ("Date", format_datetime(date)),
            ("Message-ID", mid),
            ("List-Id", f"{name} <{list_id}>"),
            ("List-Unsubscribe", f"<https://{list_id}/u/{i}>"),
            ("Precedence", "bulk"),
        ]
        return "INBOX", _alternative(headers, body, rng)

    def _notification(self, i: int, date: datetime, mid: str) -> tuple[str, bytes]:
        rng = self.rng
        name, address = rng.choice(NOTIFIERS)
        p = rng.choice(self.people)
        body = (
            f"{p.name} viewed your profile.\n\n{p.name} - {p.title} at {p.company}\n\n"
            "You are receiving this notification because of your settings.\n"
        )
        headers = [
            ("From", f"{name} <{address}>"),
            ("To", f"{OWNER_NAME} <{OWNER}>"),
            ("Subject", f"{p.name} viewed your profile"),
            ("Date", format_datetime(date)),
            ("Message-ID", mid),
            ("Auto-Submitted", "auto-generated"),
        ]
        if rng.random() < 0.5:
            return "INBOX", _single(headers, "text/plain; charset=utf-8", "8bit", _qp_free(body))
        return "INBOX", _single(headers, "text/html; charset=utf-8", "8bit", _qp_free(_html(body)))

    def _with_attachment(self, i: int, date: datetime, mid: str, size: int) -> tuple[str, bytes]:
        rng = self.rng
        p = rng.choice(self.people)
        filename = rng.choice(("CV", "Resume", "Portfolio", "References")) + rng.choice(
            (".pdf", ".docx")
        )
        filename = f"{p.name.replace(' ', '_')}_{filename}"
        body = (
            f"Hello {OWNER_NAME.split()[0]},\n\n{_paragraphs(rng, p, False)}\n\n"
            f"Please find {filename} attached.\n\nBest,\n{_signature(p.name, p, rng)}"
        )
        ctype, encoded = _attachment(rng, size, filename)
        boundary = f"==mixed{i:07d}=="
        headers = [
            ("From", _addr(p)),
            ("To", f"{OWNER_NAME} <{OWNER}>"),
            ("Subject", f"Application: {p.title} ({p.name})"),
            ("Date", format_datetime(date)),
            ("Message-ID", mid),
            ("MIME-Version", "1.0"),
            ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
        ]
        alt = _alternative([], body, rng)
        parts = [
            b"--" + boundary.encode() + b"\n" + alt,
            b"--"
            + boundary.encode()
            + b"\n"
            + f'Content-Type: {ctype}; name="{filename}"\n'
            f'Content-Disposition: attachment; filename="{filename}"\n'
            "Content-Transfer-Encoding: base64\n\n".encode()
            + encoded,
        ]
        return "INBOX", _headers(headers) + b"\n".join(parts) + f"--{boundary}--\n".encode()


def _tz(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


def _addr(p: Person) -> str:
    return f'"{p.name}" <{p.email}>' if "'" in p.name else f"{p.name} <{p.email}>"


def _headers(headers: list[tuple[str, str]]) -> bytes:
    return b"".join(f"{k}: {v}\n".encode() for k, v in headers)


def _single(headers: list[tuple[str, str]], ctype: str, cte: str, body: bytes) -> bytes:
    full = [*headers, ("MIME-Version", "1.0"), ("Content-Type", ctype)]
    full.append(("Content-Transfer-Encoding", cte))
    return _headers(full) + b"\n" + body


def _alternative(headers: list[tuple[str, str]], text: str, rng: random.Random) -> bytes:
    """multipart/alternative; with no outer headers it is a body part for multipart/mixed."""
    boundary = f"==alt{rng.getrandbits(48):012x}=="
    own = [("Content-Type", f'multipart/alternative; boundary="{boundary}"')]
    if headers:
        own = [*headers, ("MIME-Version", "1.0"), *own]
    b = boundary.encode()
    return (
        _headers(own)
        + b"\n--"
        + b
        + b"\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + _qp_free(text)
        + b"\n--"
        + b
        + b"\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + _qp_free(_html(text))
        + b"\n--"
        + b
        + b"--\n"
    )


class SmallGenerator:
    """The hardest case for the writer: short plain messages (~1 KB), nearly every one from or
    to a person never seen before (a new contact, its email, its phone from the signature)."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.start = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        for i in range(self.n):
            yield self.message(i)

    def message(self, i: int) -> tuple[str, bytes]:
        rng = self.rng
        (p,) = _people(rng, 1)
        local, domain = p.email.split("@")
        p = Person(p.name, f"{local}.{i}@{domain}", p.phone, p.company, p.title, p.city)
        outbound = rng.random() < 0.2
        if outbound:
            sender, to = f"{OWNER_NAME} <{OWNER}>", _addr(p)
            body = f"Hi {p.name.split()[0]},\n\n" + _paragraphs(rng, p, False)
            body += f"\n\nBest regards,\n{OWNER_NAME}\n"
        else:
            sender, to = _addr(p), f"{OWNER_NAME} <{OWNER}>"
            body = f"Hello {OWNER_NAME.split()[0]},\n\n" + _paragraphs(rng, p, False)
            body += "\n\nKind regards,\n" + _signature(p.name, p, rng)
        date = self.start + timedelta(minutes=7 * i, seconds=rng.randint(0, 59))
        headers = [
            ("From", sender),
            ("To", to),
            ("Subject", rng.choice(SUBJECTS).format(title=p.title, company=p.company, name=p.name)),
            ("Date", format_datetime(date)),
            ("Message-ID", f"<s{i:07d}.{rng.getrandbits(40):010x}@mail.example>"),
        ]
        raw = _single(headers, "text/plain; charset=utf-8", "8bit", _qp_free(body))
        return ("Sent" if outbound else "INBOX"), raw


KINDS: dict[str, Callable[[int, int], Iterable[tuple[str, bytes]]]] = {
    "mixed": Generator,
    "small": SmallGenerator,
}


def generate(n: int, seed: int = 1, kind: str = "mixed") -> Iterator[tuple[str, bytes]]:
    """The corpus as (folder, raw message) pairs, streamed."""
    return iter(KINDS[kind](n, seed))


# -- the on-disk cache ----------------------------------------------------------------------

_LEN = struct.Struct(">I")


def corpus_dir(n: int, seed: int, kind: str = "mixed") -> Path:
    name = f"v{FORMAT_VERSION}-n{n}-s{seed}"
    return OUT / "corpus" / (name if kind == "mixed" else f"{name}-{kind}")


def ensure_corpus(n: int, seed: int = 1, kind: str = "mixed") -> dict[str, object]:
    """Write the corpus once (one length-prefixed file per folder); return its manifest."""
    path = corpus_dir(n, seed, kind)
    manifest_path = path / "manifest.json"
    if manifest_path.exists():
        manifest: dict[str, object] = json.loads(manifest_path.read_text())
        return manifest
    tmp = path.with_name(path.name + ".partial")
    tmp.mkdir(parents=True, exist_ok=True)
    counts = {f: 0 for f in FOLDERS}
    sizes = {f: 0 for f in FOLDERS}
    largest: list[int] = []
    handles = {f: (tmp / f"{f}.bin").open("wb") for f in FOLDERS}
    try:
        for folder, raw in generate(n, seed, kind):
            handles[folder].write(_LEN.pack(len(raw)) + raw)
            counts[folder] += 1
            sizes[folder] += len(raw)
            largest = sorted([*largest, len(raw)])[-8:]
    finally:
        for h in handles.values():
            h.close()
    manifest = {
        "n": n,
        "seed": seed,
        "kind": kind,
        "counts": counts,
        "bytes": sizes,
        "largest": largest[::-1],
        "over_cap": sum(1 for s in largest if s > MAX_MESSAGE_SIZE),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
    tmp.rename(path)
    return manifest


def read_folder(n: int, seed: int, folder: str, kind: str = "mixed") -> Iterator[bytes]:
    """Stream one folder of a cached corpus."""
    with (corpus_dir(n, seed, kind) / f"{folder}.bin").open("rb") as f:
        while head := f.read(_LEN.size):
            (length,) = _LEN.unpack(head)
            yield f.read(length)
