"""Fuzzy name matching (pure): transliteration, umlauts, typos, word order."""

from __future__ import annotations

import pytest

from ingestor.resolve.fuzzy import fold, name_key


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


def test_name_key_ignores_order_and_script_but_needs_two_words() -> None:
    assert name_key("Иванов Сергей") == name_key("Sergey Ivanov")
    assert name_key("Maria") is None
    assert name_key("Maria Lopez") != name_key("Maria Lopes Garcia")
