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
    "text",
    [
        "Interview:\nDate: 3 March 2025, 10:00\nFrom: 9:00\nTo: 17:00\nVenue: Berlin\n\nAnna",
        "Hi,\n\nFrom: Monday\nTo: Friday\nDate: 03/03/2025\n\nAnna",
        "Thanks!\n\n__________________________\nTo: all staff, see the wiki\nAnna",
        "Hi Bob,\n\nOn Monday we meet at 10:00, as Anna\nsaid in her note:\nbring the slides.",
        "Schedule\n12/07/2000 10:45 AM\nTo: be confirmed\ncc: nobody yet",
        "Best,\nAnna\n\n[image: logo]\n- Q3 plan discussed",
        "I wrote: nothing yet.\n\nAnna",
    ],
)
def test_sender_text_with_header_words_is_kept(text: str) -> None:
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


# ------------------------------------------------------------------ Lotus Notes


def test_notes_forward_line_with_memo_header() -> None:
    split = split_new_text(
        "Tim:  What's your reaction?  Mark\n"
        "----- Forwarded by Vince J Kaminski/HOU/ECT on 08/04/2000 09:12 AM -----\n\n"
        "\tJohn Arnold\n\t08/03/2000 05:43 PM\n\t\t \n"
        "\t\t To: Vince J Kaminski/HOU/ECT@ECT\n\t\t cc: \n\t\t Subject: Cal PX\n\n"
        "Old text\nJohn\n713-853-1234"
    )
    assert split.new_text == "Tim:  What's your reaction?  Mark"
    [part] = split.quoted
    assert part.forwarded
    assert part.sender_name == "John Arnold"
    assert part.text.endswith("Old text\nJohn\n713-853-1234")


def test_notes_forward_line_wrapped_with_long_dashes() -> None:
    split = split_new_text(
        "Thanks,\nLysa Akin\n503/464-7927\n\n"
        "---------------------- Forwarded by Sally Beck/HOU/ECT on 01/05/2000 01:16 PM \n"
        "---------------------------\n\n\nRebecca Ford\n01/05/2000 09:26 AM\n"
        "To: Sally Beck/HOU/ECT@ECT\ncc:  \nSubject: Question\n\nHi Sally,\nBecky\n"
    )
    assert split.new_text == "Thanks,\nLysa Akin\n503/464-7927"
    assert split.quoted[0].forwarded
    assert split.quoted[0].sender_name == "Rebecca Ford"


def test_notes_reply_header_name_over_date() -> None:
    split = split_new_text(
        "Can't remember what the question was!  --Sally \n\n\n\n"
        "Rebecca Ford\n07/26/2000 05:20 PM\nTo: Sally Beck/HOU/ECT@ECT\ncc:  \n"
        "Subject: Question\n\nHi Sally,\n\nThank you,\nBecky\n"
    )
    assert split.new_text == "Can't remember what the question was!  --Sally "
    [part] = split.quoted
    assert not part.forwarded
    assert part.sender_name == "Rebecca Ford"
    assert part.text.startswith("Hi Sally,")


def test_notes_reply_header_indented_with_sent_by() -> None:
    split = split_new_text(
        "Thanks..... what's a BEEP?\n\n\n\n\tJeff Dasovich\n\tSent by: Jeff Dasovich\n"
        "\t10/02/2000 05:53 PM\n\t\t \n\t\t To: skean@enron.com, Tim Belden/HOU/ECT@ECT\n"
        "\t\t cc: \n\t\t Subject: Letter to Lynch\n\nOld text"
    )
    assert split.new_text == "Thanks..... what's a BEEP?"
    assert split.quoted[0].sender_name == "Jeff Dasovich"


@pytest.mark.parametrize(
    ("sender", "name", "email"),
    [
        ("Shona Wilson @ ENRON                           12/07/2000 10:45 AM", "Shona Wilson",
         None),
        ('"David Phillips" <dphillips@x.com> on 08/04/2000 08:48:07 AM', "David Phillips",
         "dphillips@x.com"),
        ('"David Phillips" <dphillips@x.com> on 08/04/2000 \n08:48:07 AM', "David Phillips",
         "dphillips@x.com"),
        ("Bob Hall/HOU/ECT@ECT on 08/04/2000 08:48 AM", "Bob Hall", None),
        ("   Carol St Clair                03/20/2001 07:45 AM", "Carol St Clair", None),
        ("Tim Belden@ECT\n\t10/17/2000 07:40 AM", "Tim Belden", None),
        ("Steve W Young\n27/06/2000 20:03", "Steve W Young", None),
    ],
)  # fmt: skip
def test_notes_sender_line_forms(sender: str, name: str, email: str | None) -> None:
    split = split_new_text(
        f"Fine with me.\n\nKate\n\n\n\n{sender}\n\t\n\n"
        "To: Bob M Hall/NA/Enron@Enron, Leslie Reeves/HOU/ECT@ECT, Jeffrey C \n"
        "Gossett/HOU/ECT@ECT, Peggy Hedstrom/CAL/ECT@ECT\ncc: Sally Beck/HOU/ECT@ECT \n"
        "Subject: timing\n\nOld text\nShona"
    )
    assert split.new_text == "Fine with me.\n\nKate"
    [part] = split.quoted
    assert (part.sender_name, part.sender_email) == (name, email)
    assert part.text.endswith("Old text\nShona")


def test_notes_from_line_under_letterhead() -> None:
    split = split_new_text(
        "Good memo - let me know if you see results.\n\n\n   \n\tEnron North America Corp.\n\t\n"
        "\tFrom:  Shona Wilson @ ENRON                           12/07/2000 10:45 AM\n\t\n\n"
        "To: Bob M Hall/NA/Enron@Enron\ncc: Sally Beck/HOU/ECT@ECT\nSubject: timing\n\nOld"
    )
    assert split.new_text == "Good memo - let me know if you see results."
    assert split.quoted[0].sender_name == "Shona Wilson"


def test_notes_from_line_with_on_date() -> None:
    split = split_new_text(
        "It's Analytica, Inc.\n\nKal\n\n\n\nFrom: Tana Jones on 11/30/2000 03:54 PM\n"
        "To: Kal Shah/HOU/ECT@ECT\ncc:  \nSubject: Re: name\n\nWhat is the name?"
    )
    assert split.new_text == "It's Analytica, Inc.\n\nKal"
    assert split.quoted[0].sender_name == "Tana Jones"


def test_notes_header_on_one_line() -> None:
    split = split_new_text(
        "See below.\n\n\tRick Buy/ENRON@enronXgate 05/30/01 09:20 AM \t   To: David Crews/Enron "
        "Communications@Enron Communications  cc:   Subject: RE: FYI\t\n\nOld text"
    )
    assert split.new_text == "See below."
    assert split.quoted[0].sender_name == "Rick Buy"


@pytest.mark.parametrize(
    "marker",
    [
        "____________________Reply Separator____________________\nSubject:    Re: Case\n"
        "Author: Jimmy <jj@aol.com>\nDate:       04/13/2001 12:02 AM",
        "--------- Inline attachment follows ---------\n\nFrom:  <jim@x.com>\n"
        "To: Becky <b@x.com>\nDate: Tuesday, January 22, 2002 4:23:32 GMT",
        ">>> <Gail.Brownfeld@enron.com> 2/16/01 10:41:43 am >>>",
    ],
)
def test_cc_mail_exchange_and_groupwise_markers(marker: str) -> None:
    split = split_new_text(f"Thanks, see you then.\n\nJohn\n\n{marker}\n\nold text\nJim\n")
    assert split.new_text == "Thanks, see you then.\n\nJohn"
    assert split.quoted[0].text.endswith("old text\nJim")


def test_quoted_printable_residue_is_read_through() -> None:
    text = (
        "Please see below.=20\n\n=09  From:  Christi L Nicolay                           "
        "04/11/2001 09:11 AM=\n=09\n=09=09\n\nTo:=09Susan M Scott/HOU/ECT@ECT\ncc:=09\n"
        "Subject:=09Re: filing\n\nOld=20\n"
    )
    assert split_new_text(text).new_text == "Please see below.=20"


def test_dated_prose_is_not_a_notes_header() -> None:
    text = (
        "Hi,\n\nthe call moved to\n12/07/2000 10:45 AM\nTo: be confirmed by Bob.\n\n"
        "Sent by: courier\nThanks,\nAnna"
    )
    assert split_new_text(text).new_text == text


# ------------------------------------------------------------------ Outlook blocks alone


@pytest.mark.parametrize(
    "header",
    [
        "From: Max Mustermann <max@firma.de>\nSent: Monday, March 3, 2025 10:00 AM\n"
        "To: Anna\nSubject: Job",
        "*From:* Max Mustermann <max@firma.de>\n*Sent:* Monday, March 3, 2025 10:00 AM\n"
        "*To:* Anna\n*Subject:* Job",
        "Von: Max Mustermann <max@firma.de>\nGesendet: Montag, 3. März 2025 10:00\nAn: Anna\n"
        "Betreff: Stelle",
        "De : Max Mustermann <max@firma.de>\nEnvoyé : lundi 3 mars 2025 10:00\nÀ : Anna\n"
        "Objet : Poste",
        "От: Max Mustermann <max@firma.de>\nОтправлено: 3 марта 2025 г. 10:00\nКому: Анна\n"
        "Тема: Вакансия",
        "De: Max Mustermann <max@firma.de>\nEnviado el: lunes, 3 de marzo de 2025 10:00\n"
        "Para: Anna\nAsunto: Oferta",
        "To: Anna <anna@y.de>\ncc: (bcc: Bob)\nDate: 03/03/2025 10:00 AM\n"
        "From: Max Mustermann <max@firma.de>\nSubject: RE: Job",
    ],
)
def test_outlook_header_blocks_without_separator(header: str) -> None:
    split = split_new_text(f"Neu.\n\nAnna\n\n{header}\n\nalter Text\nMax\n")
    assert split.new_text == "Neu.\n\nAnna"
    [part] = split.quoted
    assert (part.sender_name, part.sender_email) == ("Max Mustermann", "max@firma.de")
    assert part.text == "alter Text\nMax"


@pytest.mark.parametrize(
    "header",
    [
        "De: Max Mustermann <max@firma.de>\nEnviada em: segunda-feira, 3 de março de 2025 10:00\n"
        "Para: Anna\nAssunto: Vaga",
        "Da: Max Mustermann <max@firma.de>\nInviato: lunedì 3 marzo 2025 10:00\nA: Anna\n"
        "Oggetto: Offerta",
        "Van: Max Mustermann <max@firma.de>\nVerzonden: maandag 3 maart 2025 10:00\nAan: Anna\n"
        "Onderwerp: Vacature",
        "Od: Max Mustermann <max@firma.de>\nWysłano: poniedziałek, 3 marca 2025 10:00\nDo: Anna\n"
        "Temat: Oferta",
        "Från: Max Mustermann <max@firma.de>\nSkickat: den 3 mars 2025 10:00\nTill: Anna\n"
        "Ämne: Jobb",
        "差出人: Max Mustermann <max@firma.de>\n送信日時: 2025年3月3日 10:00\n宛先: Anna\n件名: 求人",
        "-------- Original Message --------\nSubject: Job\nDate: Mon, 3 Mar 2025 10:00:00 +0100\n"
        "From: Max Mustermann <max@firma.de>\nTo: Anna <anna@y.de>",
    ],
)
def test_header_blocks_in_more_languages(header: str) -> None:
    split = split_new_text(f"Neu.\n\n{header}\n\nalter Text\n")
    assert split.new_text == "Neu."
    [part] = split.quoted
    assert (part.sender_name, part.sender_email) == ("Max Mustermann", "max@firma.de")


@pytest.mark.parametrize(
    "attribution",
    [
        "Am 03.03.2025 um 10:00 schrieb Max Mustermann\n<max@x.de>:",
        "Le lun. 3 mars 2025 à 10:00, Max Mustermann <max@x.de> a\nécrit :",
        "пн, 3 мар. 2025 г. в 10:12, Max Mustermann <\nmax@x.de>:",
        "On Tuesday, March 3, 2025, 10:00:00 AM GMT+1, Max Mustermann <max@x.de> wrote:",
        "Op 3 mrt. 2025 om 10:00 schreef Max Mustermann <max@x.de>:",
        "Il giorno lun 3 mar 2025 alle ore 10:00 Max Mustermann <max@x.de> ha scritto:",
        "Em seg., 3 de mar. de 2025 às 10:00, Max Mustermann <max@x.de> escreveu:",
        "Den mån 3 mars 2025 kl 10:00 skrev Max Mustermann <max@x.de>:",
        "Понедельник, 3 марта 2025, 10:00 +03:00 от Max Mustermann <max@x.de>:",
    ],
)
def test_attributions_in_more_languages(attribution: str) -> None:
    split = split_new_text(f"Neu.\n\nAnna\n\n{attribution}\n> alt\n> Max\n")
    assert split.new_text == "Neu.\n\nAnna"
    [part] = split.quoted
    assert (part.sender_name, part.sender_email) == ("Max Mustermann", "max@x.de")
    assert part.text == "alt\nMax"


@pytest.mark.parametrize(
    "separator",
    ["----- Original Message ----", "----Original message-----", " -----Original Message----- "],
)
def test_original_message_variants(separator: str) -> None:
    split = split_new_text(
        f"Ok.\n{separator}\nFrom: Max <max@x.de>\nTo: anna@y.de\nSent: 3/3/09\n\nold"
    )
    assert split.new_text == "Ok."
    assert split.quoted[0].sender_email == "max@x.de"


def test_separator_over_a_quoted_header_block() -> None:
    split = split_new_text(
        "Use a token filter.\n\nMarkus\n\n-----Original message-----\n"
        "> From:Leo Zagk <leo@x.com>\n> Sent: Tuesday 10th January 2017 12:02\n"
        "> To: solr-user@lucene.apache.org\n> Subject: Stemming\n> \n> Hello\n"
    )
    assert split.new_text == "Use a token filter.\n\nMarkus"
    assert split.quoted[0].sender_email == "leo@x.com"


def test_quoted_header_block_under_own_text() -> None:
    split = split_new_text(
        'I did not bring my stuff.\n\n\n>From: "Parks, Joe" <Joe.Parks@ENRON.com>\n'
        '>To: "Erik" <erik@hotmail.com>\n>Subject: RE: running\n'
        ">Date: Tue, 26 Feb 2002 09:03:42 -0600\n>\n>When?\n\n"
        "____\nJoin the world's largest e-mail service with MSN Hotmail.\n"
    )
    assert split.new_text == "I did not bring my stuff."
    assert split.quoted[0].sender_email == "joe.parks@enron.com"


def test_colon_quoted_header_block() -> None:
    split = split_new_text(
        "What are you doing with RTG?\n\n: Date: Thu, 9 Mar 2017 13:27:13 +0200\n"
        ": From: Sergey <selik@x.com>\n: To: solr-user@lucene.apache.org\n: Subject: Paging\n"
        ": \n: Hi,\n\n-Hoss\n"
    )
    assert split.new_text == "What are you doing with RTG?"
    assert split.quoted[0].sender_email == "selik@x.com"


# ------------------------------------------------------------------ attributions


@pytest.mark.parametrize(
    "attribution",
    [
        "On Tue, Mar 3, 2025 at 10:00 AM John Smith <\njohn@x.com> wrote:",
        "On Wed, Feb 22, 2017 at 12:32 PM, John Smith <john@x.com>\nwrote:",
        "On Tue, May 16, 2017 at 9:39 AM, John Smith <\njohn@x.com>\nwrote:",
        "On Thu, Jun 8, 2017 at 1:43 AM, John Smith <john@x.com\n> wrote:",
        'On 3/3/09 10:00 AM, "John Smith" <john@x.com> wrote:',
        "2017-03-02 15:57 GMT+02:00 John Smith <john@x.com>:",
        "John Smith <john@x.com> hat am 17. Mai 2017 um 15:10 geschrieben:",
        "Quoting John Smith <john@x.com>:",
        "> On Sep 1, 2017, at 3:33 PM, John Smith <john@x.com> wrote:",
    ],
)
def test_attribution_forms_over_a_top_posted_reply(attribution: str) -> None:
    split = split_new_text(
        f"Yes, that works.\n\nAnna\n\n{attribution}\n> Does it work?\n> \n> John\n"
    )
    assert split.new_text == "Yes, that works.\n\nAnna"
    [part] = split.quoted
    assert part.sender_email == "john@x.com"
    assert part.sender_name == "John Smith"


@pytest.mark.parametrize("attribution", ["John Smith wrote:", "Erick Erickson wrote"])
def test_undated_attribution_over_a_quote(attribution: str) -> None:
    split = split_new_text(f"Try 7.0.\n\n{attribution}\n> What version?\n")
    assert split.new_text == "Try 7.0."
    assert split.quoted[0].sender_name == attribution.removesuffix(":").removesuffix(" wrote")


def test_undated_wrote_in_prose_is_not_an_attribution() -> None:
    text = "Hi,\n\nhere is what I wrote:\n> the draft\n\nWhat do you think?\n\nAnna"
    assert (
        split_new_text(text).new_text
        == "Hi,\n\nhere is what I wrote:\n\nWhat do you think?\n\nAnna"
    )


def test_top_posted_reply_drops_everything_under_the_quote() -> None:
    # An archive wrapped the long quoted lines; the client put its footer under the quote.
    split = split_new_text(
        "Since it hits heap, docValues might make sense.\n\n"
        "On Wed, Mar 22, 2017 at 7:47 AM, Midas A <midas@x.com> wrote:\n\n"
        "> waiting for reply. Actually heap utilization increases when we sort with the\n"
        "dynamic fields\n>\n> Thanks\n\n-- \nSent from my Android device with K-9 Mail.\n"
    )
    assert split.new_text == "Since it hits heap, docValues might make sense."
    assert split.quoted[0].text.endswith("K-9 Mail.")


def test_bottom_posted_reply_absorbs_wrapped_quote_tails() -> None:
    split = split_new_text(
        "On 3/13/2017 3:16 AM, vbindal wrote:\n"
        "> I am facing the same issue where my query *:* returns inconsistent number (almost 3)\n"
        "time the actual number in millions.\n>\n> When I try distrib=false it is right.\n\n"
        "This most likely means duplicate documents.\n\nThanks,\nShawn\n"
    )
    assert split.new_text == "This most likely means duplicate documents.\n\nThanks,\nShawn"
    assert "time the actual number in millions." in split.quoted[0].text


def test_wrapped_tail_at_the_end_of_a_quote_run() -> None:
    split = split_new_text(
        "On 7/20/2017 12:29 AM, rajat wrote:\n"
        "> I shared The code base, config , schema with you . Were they of any help , or can You\n"
        "point what I am doing wrong in them .\n\nI did not see any schema.\n\nShawn"
    )
    assert split.new_text == "I did not see any schema.\n\nShawn"


def test_answers_right_under_quoted_questions_stay() -> None:
    split = split_new_text(
        "On Mon, Mar 3, 2025 at 10:00 AM Bob <bob@x.com> wrote:\n"
        "> Could you tell me the salary range for this position, and is it remote?\n"
        "Yes, 90k and hybrid.\n> And when would the new hire be expected to start working with us\n"
        "In March.\n\nAnna"
    )
    assert split.new_text == "Yes, 90k and hybrid.\n\nIn March.\n\nAnna"


@pytest.mark.parametrize("above", ["Hi Bob,", "Bob,", "Hi Bob, answers inline."])
def test_greeting_or_inline_note_above_the_quote_keeps_interleaved_answers(above: str) -> None:
    split = split_new_text(
        f"{above}\n\nOn Mon, Mar 3, 2025 at 10:00 AM Bob <bob@x.com> wrote:\n"
        "> Is the role remote?\n\nHybrid.\n\n> Salary?\n\n90k.\n\nAnna"
    )
    assert split.new_text == f"{above}\n\nHybrid.\n\n90k.\n\nAnna"


def test_hidden_quote_marker() -> None:
    split = split_new_text("See you.\n\nAnna\n[Quoted text hidden]\nold")
    assert split.new_text == "See you.\n\nAnna"


# ------------------------------------------------------------------ forwarded attachments


def test_attachment_lines_at_the_end_are_taken_off_the_new_text() -> None:
    split = split_new_text(
        "Please review.\n\nThanks,\nBen\n\n - Turbine Payment Schedule.xls\n"
        " - Q3 forecast.doc\n<<file.pdf>>  <<notes.txt>>\n(See attached file: opinion.doc)\n\n"
        "-----Original Message-----\nFrom: Chris <c@x.com>\nSent: 3/3/2000\n\nold\n - old.xls"
    )
    assert split.new_text == "Please review.\n\nThanks,\nBen"
    assert split.attachments == [
        "- Turbine Payment Schedule.xls", "- Q3 forecast.doc", "<<file.pdf>>  <<notes.txt>>",
        "(See attached file: opinion.doc)",
    ]  # fmt: skip


def test_attachment_names_in_prose_stay() -> None:
    text = "Please read report.pdf\n- budget for 2025\n\nAnna"
    split = split_new_text(text)
    assert split.new_text == text
    assert split.attachments == []


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
