"""What two contacts share, before a merge (pure)."""

from __future__ import annotations

from ingestor.resolve.kinship import Person, shared_traits


def person(name=None, emails=(), company=None, phones=()) -> Person:  # type: ignore[no-untyped-def]
    return Person(name, tuple(emails), company, tuple(phones))


def test_unrelated_people_share_nothing() -> None:
    a = person("Jürgen Müller", ["j.mueller@autowerk.de"], "AutoWerk GmbH", ["+498912345678"])
    b = person("Maria Lopez", ["maria.lopez@gmail.com"], "Finlytics")
    assert shared_traits(a, b) == []
    # A free-mail domain alone is no link.
    assert shared_traits(person("Ann", ["ann@gmail.com"]), person("Bob", ["bob@gmail.com"])) == []


def test_one_person_in_two_scripts_or_two_jobs_shares_something() -> None:
    assert shared_traits(person("Сергей Иванов"), person("Sergey Ivanov")) == [
        "name: ivanov, sergei"
    ]
    moved = shared_traits(
        person(emails=["j.smith@acme.example"]), person(emails=["j.smith@initech.example"])
    )
    assert moved == ["address name: j.smith"]
    assert shared_traits(person(company="Acme Inc"), person(company="acme inc")) == [
        "company: Acme Inc"
    ]
    assert shared_traits(person(phones=["+14155550199"]), person(phones=["+14155550199"])) == [
        "phone: +14155550199"
    ]
