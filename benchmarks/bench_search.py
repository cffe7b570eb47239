"""`python -m benchmarks.bench_search`: contact search at 100,000 contacts, and what keeping the
search keys current costs ingestion.

1. **Search**, per backend (SQLite file, PostgreSQL temporary database): a seeded generator
   writes N contacts (default 100,000) through the store's sessions, so the keys are built by
   the same hooks as in production: Russian and Ukrainian names in Cyrillic and in Latin
   spellings, English, German, French and Spanish names, ~4,000 generated surnames, 2,000
   companies, titles, cities, one email each and a phone for 70%. Then it times
   `search_contact_ids(limit=10)` (a session per query, as a web request has) for query sets of
   `--queries` each: *typo* (one edit, a swap included, in every word of four letters or more:
   "Jonh Smiht"), *translit* (a Cyrillic name typed in Latin with another given-name variant,
   "Alexander Ivanov" for Александр Иванов, or a Latin one typed in Cyrillic), *phone* (the
   number in a national format: "(415) 555-0199", "8 926 111-22-33"), *company*. It reports
   median and p95 latency and recall@10: a contact with the target's name (or phone) among
   the first ten.
2. **Ingestion**, per backend: the cached benchmark mail corpus (benchmarks/corpus.py,
   `--ingest-n` messages) is parsed once, then written with `BatchWriter` into fresh stores,
   alternately with the key hooks installed and without them (today's store), `--rounds`
   times each; the medians give messages per second on and off, side by side.

Prints a Markdown table and writes benchmarks/out/search-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from anyascii import anyascii
from sqlalchemy import insert, text
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.database import open_engine, open_store, upgrade
from ingestor.store.schema import Contact, ContactEmail, ContactPhone
from ingestor.store.search import search_contact_ids

OUT = Path(__file__).resolve().parent / "out"

# (Cyrillic, Latin spellings a person might type); the first Latin one is how it is stored.
RU_GIVEN = (
    ("Александр", ("Aleksandr", "Alexander")),
    ("Алексей", ("Aleksei", "Alexey")),
    ("Дмитрий", ("Dmitry", "Dmitri")),
    ("Сергей", ("Sergey", "Sergei")),
    ("Андрей", ("Andrey", "Andrei")),
    ("Михаил", ("Mikhail", "Michael")),
    ("Иван", ("Ivan",)),
    ("Николай", ("Nikolai", "Nikolay")),
    ("Юлия", ("Yulia", "Julia")),
    ("Екатерина", ("Ekaterina", "Yekaterina")),
    ("Елена", ("Elena", "Yelena")),
    ("Наталья", ("Natalya", "Natalia")),
    ("Ольга", ("Olga",)),
    ("Мария", ("Mariya", "Maria")),
    ("Анна", ("Anna",)),
    ("Татьяна", ("Tatyana", "Tatiana")),
    ("Ирина", ("Irina",)),
    ("Павел", ("Pavel",)),
    ("Евгений", ("Evgeny", "Yevgeny")),
    ("Владимир", ("Vladimir",)),
    ("Олександр", ("Oleksandr", "Alexander")),
    ("Тетяна", ("Tetiana", "Tatiana")),
)
WEST_GIVEN = [
    "John",
    "James",
    "Michael",
    "David",
    "Robert",
    "William",
    "Richard",
    "Thomas",
    "Daniel",
    "Matthew",
    "Mary",
    "Jennifer",
    "Linda",
    "Sarah",
    "Emma",
    "Olivia",
    "Emily",
    "Jessica",
    "Laura",
    "Rachel",
    "Lukas",
    "Jürgen",
    "Hans",
    "Stefan",
    "Wolfgang",
    "Klaus",
    "Anja",
    "Katrin",
    "Sabine",
    "Ursula",
    "Pierre",
    "Jean",
    "François",
    "Camille",
    "Lucas",
    "Hugo",
    "Chloé",
    "Léa",
    "Manon",
    "Julien",
    "Carlos",
    "José",
    "Javier",
    "Miguel",
    "Alejandro",
    "Lucía",
    "Sofía",
    "Carmen",
    "Isabel",
    "Pablo",
    "Priya",
    "Wei",
    "Mohammed",
    "Fatima",
]
WEST_SURNAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Anderson",
    "Thomas",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefebvre",
    "Moreau",
    "Laurent",
    "Girard",
    "Fontaine",
    "Rousseau",
    "Fernández",
    "González",
    "Rodríguez",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Díaz",
    "Romero",
    "Navarro",
    "Ruiz",
]
RU_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олейник",
    "Мельник",
]
SYLLABLES_LAT = [
    "ber",
    "kan",
    "dor",
    "mel",
    "vis",
    "tor",
    "ran",
    "sel",
    "gar",
    "lin",
    "mon",
    "ket",
    "ros",
    "dal",
    "fen",
    "har",
    "wil",
    "nor",
]
SYLLABLES_CYR = [
    "бер",
    "кан",
    "дор",
    "мел",
    "вис",
    "тор",
    "ран",
    "сел",
    "гар",
    "лин",
    "мон",
    "кет",
    "рос",
    "дал",
    "фен",
    "хар",
    "вил",
    "нор",
]
ENDINGS_LAT = ("son", "man", "ton", "ford", "ley", "er", "stein", "berg")
ENDINGS_CYR = ("ов", "ев", "ин", "енко", "ский", "ук")
TITLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Engineering Manager",
    "CTO",
    "CEO",
    "Head of Talent",
    "Recruiter",
    "Data Scientist",
    "Product Manager",
    "QA Engineer",
    "DevOps Engineer",
    "Designer",
    "Sales Director",
    "HR Business Partner",
    "Team Lead",
)
CITIES_LAT = [
    "London",
    "Berlin",
    "Paris",
    "Madrid",
    "Munich",
    "Hamburg",
    "Lyon",
    "Barcelona",
    "Amsterdam",
    "Dublin",
]
CITIES_CYR = [
    "Москва",
    "Санкт-Петербург",
    "Киев",
    "Новосибирск",
    "Казань",
    "Екатеринбург",
    "Львов",
    "Минск",
]
COMPANY_SUFFIX = ("GmbH", "Ltd", "Inc", "SA", "LLC", "AG", "Group", "Labs")


@dataclass
class Person:
    id: int
    name: str
    typed: list[str]  # other ways of writing the name (another script, another variant)
    company: str
    title: str | None
    city: str | None
    email: str
    phone: str | None  # E.164
    phone_typed: str | None  # the same number as a person types it


def surnames(rng: random.Random) -> tuple[list[str], list[str]]:
    lat = set(WEST_SURNAMES)
    cyr = set(RU_SURNAMES)
    while len(lat) < 2000:
        parts = rng.sample(SYLLABLES_LAT, rng.choice((2, 3)))
        lat.add(("".join(parts) + rng.choice(ENDINGS_LAT)).capitalize())
    while len(cyr) < 2000:
        parts = rng.sample(SYLLABLES_CYR, rng.choice((2, 3)))
        cyr.add(("".join(parts) + rng.choice(ENDINGS_CYR)).capitalize())
    return sorted(lat), sorted(cyr)


def phone(rng: random.Random, russian: bool) -> tuple[str, str]:
    if russian:
        n = f"9{rng.randrange(10**9):09d}"
        return f"+7{n}", f"8 {n[:3]} {n[3:6]}-{n[6:8]}-{n[8:]}"
    area, mid, end = rng.randrange(200, 999), rng.randrange(200, 999), rng.randrange(10**4)
    return f"+1{area}{mid}{end:04d}", f"({area}) {mid}-{end:04d}"


def people(n: int, seed: int = 7) -> Iterator[Person]:
    rng = random.Random(seed)
    lat_surnames, cyr_surnames = surnames(rng)
    companies = sorted(
        {
            ("".join(rng.sample(SYLLABLES_LAT, 2)).capitalize() + " " + rng.choice(COMPANY_SUFFIX))
            for _ in range(2600)
        }
    )[:2000]
    for i in range(1, n + 1):
        kind = rng.random()
        company = rng.choice(companies)
        if kind < 0.5:  # Russian or Ukrainian
            cyr_given, latin = rng.choice(RU_GIVEN)
            cyr_surname = rng.choice(cyr_surnames)
            lat_surname = anyascii(cyr_surname).replace("'", "")
            if kind < 0.3:  # stored in Cyrillic, typed in Latin (any variant)
                name = f"{cyr_given} {cyr_surname}"
                typed = [f"{rng.choice(latin)} {lat_surname}"]
            else:  # stored in Latin, typed in Cyrillic or as another variant
                name = f"{latin[0]} {lat_surname}"
                typed = [f"{cyr_given} {cyr_surname}", f"{latin[-1]} {lat_surname}"]
            city = rng.choice(CITIES_CYR) if rng.random() < 0.7 else None
        else:
            name = f"{rng.choice(WEST_GIVEN)} {rng.choice(lat_surnames)}"
            typed = []
            city = rng.choice(CITIES_LAT) if rng.random() < 0.7 else None
        local = anyascii(name).lower().replace(" ", ".").replace("'", "")
        domain = company.split()[0].lower() + ".example"
        has_phone = rng.random() < 0.7
        number, as_typed = phone(rng, kind < 0.5) if has_phone else (None, None)
        yield Person(
            i,
            name,
            typed,
            company,
            rng.choice(TITLES) if rng.random() < 0.8 else None,
            city,
            f"{local}.{i}@{domain}",
            number,
            as_typed,
        )


def load(sessions: sessionmaker[Session], crowd: list[Person], batch: int = 2000) -> float:
    """Write the contacts through the store's sessions (keys built by the hooks); seconds."""
    start = time.perf_counter()
    now = datetime.now(UTC)
    for first in range(0, len(crowd), batch):
        chunk = crowd[first : first + batch]
        with sessions.begin() as s:
            s.execute(
                insert(Contact),
                [
                    dict(
                        id=p.id,
                        name=p.name,
                        company=p.company,
                        title=p.title,
                        location=p.city,
                        origin="auto",
                        locked_fields=[],
                        created_at=now,
                        updated_at=now,
                    )
                    for p in chunk
                ],
            )
            s.execute(insert(ContactEmail), [dict(contact_id=p.id, address=p.email) for p in chunk])
            phones = [dict(contact_id=p.id, number=p.phone) for p in chunk if p.phone]
            if phones:
                s.execute(insert(ContactPhone), phones)
    return time.perf_counter() - start


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("swap", "drop", "double", "replace"))
    if edit == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    if edit == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiounrst") + word[i + 1 :]


@dataclass
class QuerySet:
    name: str
    queries: list[tuple[str, Callable[[Person], bool]]] = field(default_factory=list)


def query_sets(crowd: list[Person], count: int, seed: int = 11) -> list[QuerySet]:
    rng = random.Random(seed)
    sets = {k: QuerySet(k) for k in ("typo", "translit", "phone", "company")}

    def same_name(target: Person) -> Callable[[Person], bool]:
        return lambda p: p.name == target.name

    while min(len(s.queries) for s in sets.values()) < count:
        target = rng.choice(crowd)
        latin = anyascii(target.name).replace("'", "")
        if len(sets["typo"].queries) < count:
            sets["typo"].queries.append(
                (" ".join(typo(rng, w) for w in latin.split()), same_name(target))
            )
        if target.typed and len(sets["translit"].queries) < count:
            sets["translit"].queries.append((rng.choice(target.typed), same_name(target)))
        if target.phone_typed and len(sets["phone"].queries) < count:
            number = target.phone

            def has_phone(p: Person, number: str | None = number) -> bool:
                return p.phone == number

            sets["phone"].queries.append((target.phone_typed, has_phone))
        if len(sets["company"].queries) < count:
            company = target.company.split()[0]  # "Kanket" for Kanket Ltd and Kanket Group

            def at_company(p: Person, company: str = company) -> bool:
                return p.company.split()[0] == company

            sets["company"].queries.append((company, at_company))
    return list(sets.values())


def measure(
    sessions: sessionmaker[Session], crowd: list[Person], sets: list[QuerySet]
) -> dict[str, Any]:
    by_id = {p.id: p for p in crowd}
    for q, _ in sets[0].queries[:20]:  # warm caches
        with sessions() as s:
            search_contact_ids(s, q, limit=10)
    out: dict[str, Any] = {}
    for qs in sets:
        times, hits, misses = [], 0, []
        for q, right in qs.queries:
            start = time.perf_counter()
            with sessions() as s:
                ids = search_contact_ids(s, q, limit=10)
            times.append(1000 * (time.perf_counter() - start))
            if any(right(by_id[i]) for i in ids):
                hits += 1
            elif len(misses) < 10:
                misses.append(q)
        times.sort()
        out[qs.name] = {
            "queries": len(times),
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "recall_at_10": round(hits / len(times), 3),
            "examples": [q for q, _ in qs.queries[:3]],
            "misses": misses,
        }
    return out


def search_bench(backend: str, n: int, count: int, tmp: Path) -> dict[str, Any]:
    crowd = list(people(n))
    sets = query_sets(crowd, count)

    def run(url: str) -> dict[str, Any]:
        sessions = open_store(url)
        seconds = load(sessions, crowd)
        with sessions.begin() as s:
            s.execute(text("ANALYZE"))
        result = {
            "contacts": n,
            "load_s": round(seconds, 1),
            "queries": measure(sessions, crowd, sets),
        }
        sessions.kw["bind"].dispose()
        return result

    if backend == "sqlite":
        return run(f"sqlite:///{tmp / 'search.db'}")
    from tests.servers.postgres import temporary_database

    with temporary_database("ingestor_bench_search") as url:
        return run(url)


def ingest_bench(n: int, rounds: int, tmp: Path, backends: list[str]) -> dict[str, Any]:
    from benchmarks.bench_stages import load as load_batches
    from benchmarks.bench_stages import parse
    from benchmarks.corpus import OWNER
    from ingestor.model import FolderCursor
    from ingestor.resolve.policy import CreationPolicy
    from ingestor.store.ingest import BatchWriter
    from tests.servers.postgres import temporary_database

    batches = load_batches(n, n)
    start = time.perf_counter()
    results = parse(batches)
    parse_s = time.perf_counter() - start
    messages = sum(map(len, results))
    policy = CreationPolicy("all", frozenset({OWNER}), frozenset(), frozenset())

    def write_into(url: str, keys: bool) -> tuple[float, int]:
        if keys:
            sessions = open_store(url)
        else:
            engine = open_engine(url)
            upgrade(engine)
            sessions = sessionmaker(engine, expire_on_commit=False)  # today's: no hooks
        start = time.perf_counter()
        for batch in results:
            with sessions.begin() as s:
                last = batch[-1].item
                BatchWriter(s, "bench", policy).write(
                    batch, FolderCursor(last.folder, 1, last.uid or 0)
                )
        seconds = time.perf_counter() - start
        with sessions() as s:
            contacts = int(s.execute(text("SELECT count(*) FROM contact")).scalar_one())
        sessions.kw["bind"].dispose()
        return seconds, contacts

    def write(backend: str, keys: bool, i: int) -> tuple[float, int]:
        if backend == "sqlite":
            return write_into(f"sqlite:///{tmp / f'ingest-{keys}-{i}.db'}", keys)
        with temporary_database("ingestor_bench_ingest") as url:
            return write_into(url, keys)

    out: dict[str, Any] = {"messages": messages, "parse_s": round(parse_s, 3), "rounds": rounds}
    for backend in backends:
        timings: dict[bool, list[float]] = {False: [], True: []}
        write(backend, False, -1)  # warm-up: imports, page cache
        contacts = 0
        for i in range(rounds):
            for keys in (False, True) if i % 2 == 0 else (True, False):
                seconds, contacts = write(backend, keys, i)
                timings[keys].append(seconds)
        off, on = statistics.median(timings[False]), statistics.median(timings[True])
        out[backend] = {
            "contacts_created": contacts,
            "write_off_s": [round(t, 3) for t in timings[False]],
            "write_on_s": [round(t, 3) for t in timings[True]],
            "write_off_msg_per_s": round(messages / off, 1),
            "write_on_msg_per_s": round(messages / on, 1),
            "write_change_pct": round(100 * (off / on - 1), 1),
            "ingest_off_msg_per_s": round(messages / (parse_s + off), 1),
            "ingest_on_msg_per_s": round(messages / (parse_s + on), 1),
            "ingest_change_pct": round(100 * ((parse_s + off) / (parse_s + on) - 1), 1),
        }
    return out


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| Backend | Query set | Median | p95 | Recall@10 |",
        "|---|---|---:|---:|---:|",
    ]
    for backend, result in report["search"].items():
        for name, q in result["queries"].items():
            lines.append(
                f"| {backend} ({result['contacts']:,} contacts) | {name} | "
                f"{q['median_ms']:.1f} ms | {q['p95_ms']:.1f} ms | {q['recall_at_10']:.1%} |"
            )
    ing = report.get("ingest")
    if ing:
        lines += [
            "",
            f"| Ingestion of {ing['messages']:,} messages | Keys off (before) | Keys on | Change |",
            "|---|---:|---:|---:|",
        ]
        for backend in ("sqlite", "postgresql"):
            if backend not in ing:
                continue
            b = ing[backend]
            lines += [
                f"| {backend}: parse + extract + write (msg/s) | {b['ingest_off_msg_per_s']:,.0f} | "
                f"{b['ingest_on_msg_per_s']:,.0f} | {b['ingest_change_pct']:+.1f}% |",
                f"| {backend}: write stage alone (msg/s) | {b['write_off_msg_per_s']:,.0f} | "
                f"{b['write_on_msg_per_s']:,.0f} | {b['write_change_pct']:+.1f}% |",
            ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200, help="queries per query set")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--ingest-n", type=int, default=1000, help="corpus messages; 0: skip")
    ap.add_argument("--rounds", type=int, default=5, help="ingest runs with keys on, and off")
    ap.add_argument("--ingest-backends", default="sqlite,postgresql")
    args = ap.parse_args()
    report: dict[str, Any] = {"search": {}}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for backend in filter(None, args.backends.split(",")):
            report["search"][backend] = search_bench(backend, args.contacts, args.queries, tmp)
            print(backend, json.dumps(report["search"][backend], ensure_ascii=False), flush=True)
        if args.ingest_n:
            ingest_backends = list(filter(None, args.ingest_backends.split(",")))
            report["ingest"] = ingest_bench(args.ingest_n, args.rounds, tmp, ingest_backends)
            print("ingest", json.dumps(report["ingest"]), flush=True)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"search-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(markdown(report))
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
