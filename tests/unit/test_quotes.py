"""Quote splitting: new text versus quoted history and forwards, in en/ru/de/fr/es, plus the
HTML rendering that turns quote containers into "> " lines."""

from __future__ import annotations

import socket

import pytest

from ingestor.extractors.htmltext import MAX_HTML_CHARS, html_to_text
from ingestor.extractors.quotes import split_new_text


def test_gmail_attribution_top_posting() -> None:
    split = split_new_text(
        "Sounds good.\n\nAnna\n\n"
        "On Mon, Mar 3, 2025 at 10:00 AM Ivan Petrov <ivan@example.com> wrote:\n"
        "> Are you free on Tuesday?\n>\n> --\n> Ivan\n"
    )
    assert split.new_text == "Sounds good.\n\nAnna"
    [part] = split.quoted
    assert part.sender_name == "Ivan Petrov"
    assert part.sender_email == "ivan@example.com"
    assert part.text == "Are you free on Tuesday?\n\n--\nIvan"
    assert not part.forwarded


def test_attribution_wrapped_over_two_lines() -> None:
    split = split_new_text(
        "Yes.\n\nOn Mon, Mar 3, 2025 at 10:00 AM Ivan Petrov <\nivan@example.com> wrote:\n> Hi\n"
    )
    assert split.new_text == "Yes."
    assert split.quoted[0].sender_email == "ivan@example.com"
    assert split.quoted[0].sender_name == "Ivan Petrov"


def test_wrapped_attribution_with_name_on_second_line() -> None:
    split = split_new_text("Ok\nOn 3 Mar 2025, at 10:00,\nJohn Smith wrote:\n> old\n")
    assert split.new_text == "Ok"
    assert split.quoted[0].sender_name == "John Smith"


@pytest.mark.parametrize(
    ("line", "name", "email"),
    [
        ("3 марта 2025 г., в 10:00, Иван Петров <ivan@x.ru> написал(а):", "Иван Петров",
         "ivan@x.ru"),
        ("пн, 3 мар. 2025 г. в 10:12, Иван Петров <ivan@x.ru>:", "Иван Петров", "ivan@x.ru"),
        ("03.03.2025 10:00, Ольга Смирнова пишет:", "Ольга Смирнова", None),
        ("Am 03.03.2025 um 10:00 schrieb Max Mustermann <max@x.de>:", "Max Mustermann",
         "max@x.de"),
        ("Am 03.03.2025 um 10:00 schrieb Max Mustermann:", "Max Mustermann", None),
        ("Max Mustermann <max@x.de> schrieb am 03.03.2025 um 10:00:", "Max Mustermann",
         "max@x.de"),
        ("Le lun. 3 mars 2025 à 10:00, Jean Dupont <jean@x.fr> a écrit :", "Jean Dupont",
         "jean@x.fr"),
        ("El lun, 3 mar 2025 a las 10:00, Juan García (<juan@x.es>) escribió:", "Juan García",
         "juan@x.es"),
    ],
)  # fmt: skip
def test_localized_attributions(line: str, name: str, email: str | None) -> None:
    split = split_new_text(f"Neu\n\n{line}\n> alt\n")
    assert split.new_text == "Neu"
    [part] = split.quoted
    assert (part.sender_name, part.sender_email, part.text) == (name, email, "alt")


def test_outlook_original_message_block() -> None:
    split = split_new_text(
        "Thanks!\n\n-----Original Message-----\n"
        "From: Petrov, Ivan [mailto:ivan@x.ru]\nSent: Monday, March 3, 2025 10:00 AM\n"
        "To: Anna <anna@y.de>; Bob <bob@z.de>\nSubject: RE: role\n\nold body\nIvan\n"
    )
    assert split.new_text == "Thanks!"
    [part] = split.quoted
    assert (part.sender_name, part.sender_email) == ("Petrov, Ivan", "ivan@x.ru")
    assert part.text == "old body\nIvan"


@pytest.mark.parametrize(
    "header",
    [
        "________________________________\nVon: Max Mustermann <max@firma.de>\n"
        "Gesendet: Montag, 3. März 2025 10:00\nAn: Anna\nBetreff: Stelle",
        "-----Исходное сообщение-----\nОт: Max Mustermann <max@firma.de>\n"
        "Отправлено: 3 марта 2025 г. 10:00\nКому: Анна\nТема: Вакансия",
        "De : Max Mustermann <max@firma.de>\nEnvoyé : lundi 3 mars 2025 10:00\nÀ : Anna\n"
        "Objet : Poste",
        "De: Max Mustermann <max@firma.de>\nEnviado el: lunes, 3 de marzo de 2025 10:00\n"
        "Para: Anna\nAsunto: Oferta",
    ],
)
def test_outlook_header_blocks_in_other_languages(header: str) -> None:
    split = split_new_text(f"Neu.\n\n{header}\n\nalter Text\n")
    assert split.new_text == "Neu."
    [part] = split.quoted
    assert (part.sender_name, part.sender_email) == ("Max Mustermann", "max@firma.de")
    assert part.text == "alter Text"


def test_prose_lines_with_header_words_are_not_a_header() -> None:
    text = "Hi,\n\nFrom: my side, all good.\nTo: be confirmed is the laptop.\n\nThanks,\nLaura"
    split = split_new_text(text)
    assert split.new_text == text
    assert split.quoted == []


@pytest.mark.parametrize(
    "marker",
    [
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
        "-------- Пересылаемое сообщение --------",
        "-------- Weitergeleitete Nachricht --------",
        "---------- Message transféré ---------",
        "---------- Mensaje reenviado ---------",
    ],
)
def test_forwards(marker: str) -> None:
    split = split_new_text(
        f"FYI, see below.\n\n{marker}\nFrom: Olga Ivanova <olga@x.ru>\n"
        "Date: Mon, 3 Mar 2025 at 10:00\nSubject: CV\nTo: <me@y.com>\n\nBody\nOlga\n+7 916 1234567"
    )
    assert split.new_text == "FYI, see below."
    [part] = split.quoted
    assert part.forwarded
    assert (part.sender_name, part.sender_email) == ("Olga Ivanova", "olga@x.ru")
    assert part.text == "Body\nOlga\n+7 916 1234567"


def test_forward_header_with_subject_first() -> None:
    split = split_new_text(
        "Zur Info\n\n-------- Weitergeleitete Nachricht --------\nBetreff: CV\n"
        "Datum: 03.03.2025 10:00\nVon: Max <max@x.de>\nAn: ich@y.de\n\nText"
    )
    assert split.quoted[0].sender_email == "max@x.de"


def test_bottom_posting_keeps_interleaved_answers() -> None:
    split = split_new_text(
        "On Mon, Mar 3, 2025 at 10:00 AM Bob <bob@x.com> wrote:\n"
        "> Is the role remote?\n\nHybrid.\n\n> Salary?\n> Range?\n\n90k.\n\n-- \nAnna"
    )
    assert split.new_text == "Hybrid.\n\n90k.\n\n-- \nAnna"
    assert [q.text for q in split.quoted] == ["Is the role remote?", "Salary?\nRange?"]
    assert split.quoted[0].sender_email == "bob@x.com"
    assert split.quoted[1].sender_email is None


def test_plain_quote_prefix_without_attribution() -> None:
    split = split_new_text(">> older\n> old\nnew line")
    assert split.new_text == "new line"
    assert split.quoted[0].text == "> older\nold"


def test_text_without_history_is_all_new() -> None:
    text = "Hello,\n\nno quotes here.\n\nBest,\nAnna"
    assert split_new_text(text).new_text == text
    assert split_new_text("").new_text == ""


def test_crlf_line_endings() -> None:
    split = split_new_text("Ok\r\n\r\nOn Mon, 3 Mar 2025, Bob <b@x.com> wrote:\r\n> x\r\n")
    assert split.new_text == "Ok"


# ------------------------------------------------------------------ HTML rendering


def test_html_blockquote_becomes_quoted_lines_and_gmail_attribution_stays() -> None:
    html = (
        "<div>Hi Anna,<br>thanks!</div><div class='gmail_quote'><div class='gmail_attr'>"
        "On Mon, Mar 3, 2025 at 10:00 AM Olga &lt;olga@x.ru&gt; wrote:<br></div>"
        "<blockquote class='gmail_quote'>Hello<br>there<blockquote>nested</blockquote>"
        "</blockquote></div>"
    )
    text = html_to_text(html)
    assert text.splitlines() == [
        "Hi Anna,", "thanks!", "On Mon, Mar 3, 2025 at 10:00 AM Olga <olga@x.ru> wrote:",
        "> Hello", "> there", "> nested",
    ]  # fmt: skip
    split = split_new_text(text)
    assert split.new_text == "Hi Anna,\nthanks!"
    assert split.quoted[0].sender_email == "olga@x.ru"


def test_html_signature_table_keeps_rows_as_lines() -> None:
    html = (
        "<p>Best regards,</p><table><tr><td><img src='https://tracker.example/p.png'></td>"
        "<td><b>Ivan Petrov</b><br>Recruiter | ACME GmbH</td></tr>"
        "<tr><td>Mobile:</td><td>+49 151 23456789</td></tr></table>"
        "<style>p {color: red}</style><script>alert(1)</script>"
    )
    lines = [" ".join(line.split()) for line in html_to_text(html).splitlines() if line]
    assert lines == ["Best regards,", "Ivan Petrov", "Recruiter | ACME GmbH",
                     "Mobile: +49 151 23456789"]  # fmt: skip


def test_html_two_column_signature_is_read_column_by_column() -> None:
    html = (
        "<table><tr><td>Anna Schmidt<br>Recruiter<br>ACME GmbH</td>"
        "<td>M: +49 151 23456789<br>anna@acme.de</td></tr></table>"
    )
    assert html_to_text(html).splitlines() == [
        "Anna Schmidt", "Recruiter", "ACME GmbH", "M: +49 151 23456789", "anna@acme.de",
    ]  # fmt: skip


def test_html_input_is_capped_and_garbage_tolerated() -> None:
    big = "<p>" + "x" * (MAX_HTML_CHARS + 10) + "</p><p>tail</p>"
    assert "tail" not in html_to_text(big)
    assert html_to_text("") == ""
    assert html_to_text("<<<>>>") in ("", "<<<>>>")


def test_html_rendering_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = (
        '<!DOCTYPE html SYSTEM "http://tracker.example/x.dtd"><html><head>'
        '<link rel="stylesheet" href="http://tracker.example/y.css"></head><body>'
        '<img src="http://tracker.example/p.png"><iframe src="http://tracker.example/"></iframe>'
        "<p>still here</p></body></html>"
    )
    assert html_to_text(html) == "still here"
