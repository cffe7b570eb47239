"""Search keys, query reading and scoring, and duplicate pairing: pure functions."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingestor.resolve.namekeys import (
    MATCH_THRESHOLD,
    canonical_names,
    contact_keys,
    expansions,
    mailbox,
    parse_query,
    phone_matches,
    score,
    strict_name_key,
    trunk_dropped,
    words,
)
from ingestor.store.duplicates import MAX_HOLDERS, pairs_from_holders


def canonical(name: str) -> set[str]:
    return {c for w in words(name) for c in (canonical_names(w) or (w,))}


@pytest.mark.parametrize(
    "spellings",
    [
        ("Александр", "Alexander", "Aleksandr", "Alexandr", "Олександр", "Oleksandr"),
        ("Юлия", "Julia", "Yulia", "Julija", "Yuliya"),
        ("Дмитрий", "Dmitry", "Dmitri", "Dmitriy", "Dmytro"),
        ("Михаил", "Mikhail", "Michael"),
        ("Евгений", "Evgeny", "Yevgeny", "Eugene"),
        ("Jürgen", "Juergen", "Jurgen"),
    ],
)
def test_given_name_variants_share_a_canonical_form(spellings: tuple[str, ...]) -> None:
    forms = [canonical(s) for s in spellings]
    assert all(f == forms[0] for f in forms), dict(zip(spellings, forms, strict=True))


def test_a_diminutive_points_to_its_full_names_only_for_search() -> None:
    assert "aleksandr" in canonical_names("aleks")  # Alex
    keys = contact_keys("Alex Ivanov", None, None, None, [], [])
    assert " =aleksandr " in keys.doc  # marked: ranks below a real Aleksandr
    assert "name:alex ivanov" in keys.terms  # but never a duplicate of Aleksandr Ivanov alone


@pytest.mark.parametrize(
    "typed",
    ["415-555-0199", "(415) 555 0199", "+1 415 555 0199", "555-0199", "0199", "001 415 555 0199"],
)
def test_phone_formats_find_the_e164_number(typed: str) -> None:
    q = parse_query(typed)
    assert q.digits is not None
    assert phone_matches(q.digits, " 14155550199 ")


def test_a_trunk_prefix_is_tried_without_it() -> None:
    q = parse_query("8 926 111-22-33")
    assert q.digits is not None and not phone_matches(q.digits, " 79261112233 ")
    dropped = trunk_dropped(q.digits)
    assert dropped is not None and phone_matches(dropped, " 79261112233 ")
    assert parse_query("Room 101").digits is None
    assert parse_query("101").digits is None  # too short to be a number


def test_mailbox_ignores_tags_and_gmail_dots() -> None:
    assert mailbox("J.Smith+cv@GoogleMail.com") == "jsmith@gmail.com"
    assert mailbox("j.smith+cv@acme.com") == "j.smith@acme.com"


def test_contact_keys() -> None:
    keys = contact_keys(
        "Александр Иванов",
        "Head of Talent",
        "Yandex",
        "Москва",
        ["A.Ivanov@yandex.ru"],
        ["+74951234567"],
    )
    assert keys.doc.startswith(" ") and keys.doc.endswith(" ")
    assert {"aleksandr", "ivanov", "iandeks", "talent", "moskva"} <= set(keys.doc.split())
    assert {"aleksandr", "ivanov", "iandeks", "moskva"} <= keys.vocabulary
    assert "ru" not in keys.vocabulary  # address parts are searched, not expanded against
    assert keys.emails == " a.ivanov@yandex.ru "
    assert keys.phones == " 74951234567 "
    assert keys.terms == {
        "phone:+74951234567",
        "mailbox:a.ivanov@yandex.ru",
        "name:aleksandr ivanov",
        "person:aleksandr ivanov|iandeks",
    }


@pytest.mark.parametrize(
    ("query", "name", "hit"),
    [
        ("Jonh Smiht", "John Smith", True),
        ("Jhon", "John Smith", True),
        ("smith john", "John Smith", True),
        ("Pael", "Павел Петров", True),
        ("Alexander", "Александр Иванов", True),
        ("Aleksandr", "Alex Ivanov", True),
        ("John Petrov", "John Smith", False),
        ("Maria", "Marco Rossi", False),
    ],
)
def test_score(query: str, name: str, hit: bool) -> None:
    doc = contact_keys(name, None, None, None, [], []).doc
    assert (score(parse_query(query), doc) >= MATCH_THRESHOLD) is hit


def test_exact_beats_variant_beats_diminutive() -> None:
    q = parse_query("Aleksandr")
    exact = score(q, contact_keys("Aleksandr", None, None, None, [], []).doc)
    variant = score(q, contact_keys("Alexander", None, None, None, [], []).doc)
    short = score(q, contact_keys("Alex", None, None, None, [], []).doc)
    assert exact > variant > short >= MATCH_THRESHOLD


def test_expansions_forgive_one_typo() -> None:
    vocabulary = sorted({"smith", "smyth", "smirnov", "jones", "smithson", "iohn", "iohan"})
    (smiht,) = parse_query("smiht").words
    assert "smith" in expansions(smiht, vocabulary)
    (smi,) = parse_query("smi").words
    assert {"smith", "smithson", "smirnov"} <= set(expansions(smi, vocabulary))
    (jhon,) = parse_query("jhon").words
    assert "iohn" in expansions(jhon, vocabulary)


def test_duplicate_pairs() -> None:
    holders = {"phone:+1": [1, 5], "name:a b": [2, 5, 9], "person:x|y": [5, 9]}
    pairs = pairs_from_holders({5: {"phone:+1", "name:a b"}, 9: {"person:x|y"}}, holders)
    assert pairs == {(1, 5): "same phone", (2, 5): "same name", (5, 9): "same name and company"}
    crowd = {"phone:+1": list(range(1, MAX_HOLDERS + 2))}
    assert pairs_from_holders({1: {"phone:+1"}}, crowd) == {}  # a switchboard


names = st.lists(
    st.text(
        alphabet=string.ascii_letters + "абвгдеёжзийклмнопрстуфхцчшщыэюяäöüéñ",
        min_size=1,
        max_size=12,
    ),
    min_size=1,
    max_size=4,
).map(" ".join)


@given(names)
def test_a_name_finds_itself(name: str) -> None:
    q = parse_query(name)
    if q.words:
        assert score(q, contact_keys(name, None, None, None, [], []).doc) == 100.0


@given(st.from_regex(r"[2-9][0-9]{9}", fullmatch=True), st.sampled_from(["-", " ", ".", ""]))
def test_any_separator_finds_the_number(national: str, sep: str) -> None:
    typed = f"({national[:3]}) {national[3:6]}{sep}{national[6:]}"
    q = parse_query(typed)
    assert q.digits is not None and phone_matches(q.digits, f" 1{national} ")


@given(st.emails())
def test_mailbox_is_idempotent(address: str) -> None:
    assert mailbox(mailbox(address)) == mailbox(address)


@given(names)
def test_the_strict_key_is_todays_name_key(name: str) -> None:
    from ingestor.resolve.fuzzy import name_key

    assert strict_name_key(name) == name_key(name)


@given(names)
def test_words_fold_like_the_whole_text(name: str) -> None:
    from ingestor.resolve.namekeys import fold_text

    assert words(name) == [w for w in fold_text(name).split() if w]
