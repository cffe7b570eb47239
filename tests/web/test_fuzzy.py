"""Fuzzy name matching (pure): transliteration, umlauts, typos, word order."""

from __future__ import annotations

import pytest

from ingestor.resolve.fuzzy import Candidate, duplicate_groups, fold, name_key, score, search


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Иванов", "Ivanov"),
        ("Jürgen Müller", "Juergen Mueller"),
        ("Щукин", "Schukin"),
        ("Юрий", "Yuri"),
        ("Юрий", "Iurii"),
        ("Straße", "Strasse"),
        ("François", "Francois"),
        ("Михаил", "Mikhail"),
    ],
)
def test_spellings_fold_alike(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Ivnov", "Сергей Иванов"),
        ("Petrv", "Иван Петров"),
        ("Mueler", "Jürgen Müller"),
        ("ser", "Sergey"),
        ("Michail", "Михаил"),  # German transliteration: close, not folded
    ],
)
def test_typos_and_prefixes_match(query: str, name: str) -> None:
    assert score(query, [name]) >= 82


@pytest.mark.parametrize(
    ("query", "name"),
    [("Ivanov", "Иван Петров"), ("Ivan Petrov", "Sergey Ivanov"), ("Anna", "Boris")],
)
def test_different_people_do_not_match(query: str, name: str) -> None:
    assert score(query, [name]) < 82


def test_search_ranks_and_matches_addresses() -> None:
    hits = search(
        "ivanov",
        [
            Candidate(1, ("Сергей Иванов", "s@x.ru")),
            Candidate(2, ("Ivanova Olga", None)),
            Candidate(3, ("Boris", "ivanov.b@mail.ru")),
            Candidate(4, ("Nobody", None)),
        ],
    )
    assert [cid for cid, _ in hits][:1] == [1]
    assert 3 in dict(hits) and 4 not in dict(hits)
    assert search("b@mail.ru", [Candidate(3, ("Boris", "ivanov.b@mail.ru"))])[0][1] == 100


def test_name_key_ignores_order_and_script_but_needs_two_words() -> None:
    assert name_key("Иванов Сергей") == name_key("Sergey Ivanov")
    assert name_key("Maria") is None
    assert duplicate_groups(
        [(1, "Sergey Ivanov"), (2, "Иванов Сергей"), (3, "Maria"), (4, "maria")]
    ) == [[1, 2]]
