"""The real-mail scorer's judging rules (benchmarks/score_real.py) on hand-made emails, and, when
../shared/corpora is there, a run over the real sets."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from benchmarks import score_real as sr
from benchmarks.score_real import Gold, Prediction, RealEmail

OWN = "Hi Ann,\n\nthe contract is attached.\n\nThanks,\nEric Bass\nVP Trading\nAcme Energy\n(713) 555-0101\n"
QUOTED = "-----Original Message-----\nFrom: Bob Jones\n\nsee below\n\nBob Jones\nDirector\n(212) 555-0199\n"


def email(
    own: str = OWN,
    quoted: str | None = QUOTED,
    signature: tuple[str, ...] = ("Eric Bass", "VP Trading", "Acme Energy", "(713) 555-0101"),
    sign_off: tuple[str, ...] = ("Thanks,", "Eric Bass"),
    *,
    set_name: str = "enron",
    mailbox: str = "bass-e",
    **gold: Any,
) -> RealEmail:
    """An email from Eric Bass with a labelled signature; `gold` overrides Gold's fields."""
    g = Gold(own, quoted, signature, sign_off, phones=frozenset({"+17135550101"}),
             titles=("VP Trading",), companies=("Acme Energy",), names=("Eric Bass",),
             fields_labelled=True)  # fmt: skip
    text = own + (quoted or "")
    mail_id = f"{set_name}/{mailbox}_1"
    return RealEmail(set_name, mailbox, mail_id, "Eric Bass", None, text, replace(g, **gold))


def counts(e: RealEmail, p: Prediction) -> Counter[str]:
    return sr.judge(e, p).counts


# -- signature lines ---------------------------------------------------------------------------


def test_exact_signature_is_perfect() -> None:
    f = sr.score([email()], lambda e: Prediction(["VP Trading", "Acme Energy", "(713) 555-0101"]))
    assert (f["line_precision"], f["line_recall"], f["line_f1"]) == (1.0, 1.0, 1.0)


def test_sign_off_lines_are_neither_required_nor_penalised() -> None:
    with_sign_off = Prediction(
        ["Thanks,", "Eric  Bass", "vp trading", "Acme Energy", "(713) 555-0101"]
    )
    without = Prediction(["VP Trading", "Acme Energy", "(713) 555-0101"])
    for p in (with_sign_off, without):
        c = counts(email(), p)
        assert (c["line_tp"], c["line_pred"], c["line_gold"]) == (3, 3, 3)


def test_separator_and_bare_sender_name_are_ignored() -> None:
    e = email(sign_off=("Thanks,",))  # the name line is not labelled sign-off here
    c = counts(e, Prediction(["-----", "____", "Eric Bass", "VP Trading", "Acme Energy"]))
    assert (c["line_tp"], c["line_pred"], c["line_gold"]) == (2, 2, 3)
    # another name is not the sender's: it counts
    c = counts(e, Prediction(["Bob Jones", "VP Trading"]))
    assert (c["line_tp"], c["line_pred"]) == (1, 2)


def test_wrong_and_missing_lines() -> None:
    c = counts(email(), Prediction(["VP Trading", "the contract is attached."]))
    assert (c["line_tp"], c["line_pred"], c["line_gold"]) == (1, 2, 3)
    f = sr.figures(c)
    assert f["line_precision"] == 0.5 and f["line_recall"] == pytest.approx(1 / 3)


# -- detection ---------------------------------------------------------------------------------


def test_detection_needs_more_than_the_sign_off() -> None:
    only_sign_off = email(signature=("Thanks,", "Eric Bass"), phones=frozenset(), titles=(),
                          companies=(), names=())  # fmt: skip
    c = counts(only_sign_off, Prediction(["Thanks,", "Eric Bass", "-----"]))
    assert (c["det_tp"], c["det_fp"], c["det_fn"]) == (0, 0, 0)
    c = counts(only_sign_off, Prediction(["Thanks,", "Eric Bass", "VP Trading"]))
    assert c["det_fp"] == 1
    c = counts(email(), Prediction(["Thanks,", "Eric Bass"]))
    assert c["det_fn"] == 1
    c = counts(email(), Prediction(["Acme Energy"]))
    assert c["det_tp"] == 1


# -- fields ------------------------------------------------------------------------------------


def test_phones_compare_as_e164() -> None:
    assert sr.e164("(713) 555-0101") == "+17135550101"
    assert sr.e164("713.555.0101") == "+17135550101"
    assert sr.e164("+44 20 7946 0958") == "+442079460958"
    assert sr.e164("x3-9890") is None
    c = counts(email(), Prediction(phones={"+17135550101", "+17135550102"}))
    assert (c["phone_tp"], c["phone_pred"], c["phone_gold"]) == (1, 2, 1)


def test_jaccard_threshold() -> None:
    assert sr.jaccard("Vice President, Gas Trading", "vice president trading") == 0.75
    e = email(titles=("Senior Vice President, Gas Trading",))
    # 3 of 5 words: just enough
    c = counts(e, Prediction(title="Vice President Trading"))
    assert (c["title_pred"], c["title_pred_ok"], c["title_gold"], c["title_gold_hit"]) == (
        1,
        1,
        1,
        1,
    )
    # 2 of 4 words (0.5): wrong, and the gold title is missed
    e = email(titles=("Vice President, Gas Trading",))
    c = counts(e, Prediction(title="Vice President"))
    assert (c["title_pred"], c["title_pred_ok"], c["title_gold"], c["title_gold_hit"]) == (
        1,
        0,
        1,
        0,
    )
    assert counts(e, Prediction())["title_gold"] == 1


def test_sign_off_name_is_an_accepted_name_but_not_a_required_one() -> None:
    e = email(names=(), sign_off_names=("Eric",))
    c = counts(e, Prediction(name="Eric"))
    assert (c["name_pred"], c["name_pred_ok"], c["name_gold"]) == (1, 1, 0)


def test_fields_unlabelled_are_not_judged() -> None:
    e = email(fields_labelled=False)
    f = sr.score([e], lambda _: Prediction(phones={"+17135550101"}, title="VP Trading"))
    assert f["phone_precision"] is None and f["title_recall"] is None
    f = sr.score([email()], lambda _: Prediction(), fields=())
    assert f["title_precision"] is None and f["phone_recall"] == 0.0


def test_invented_fields_only_count_on_emails_without_signature() -> None:
    plain = email(own="Hi,\n\nok.\n\nThanks,\nEric\n", signature=(), sign_off=("Thanks,", "Eric"),
                  phones=frozenset(), titles=(), companies=(), names=())  # fmt: skip
    c = counts(plain, Prediction(["Eric"], phones={"+17135550101"}))
    assert (c["no_signature"], c["invented"]) == (1, 1)
    assert counts(plain, Prediction(["Eric"]))["invented"] == 0
    assert counts(email(), Prediction(title="VP Trading"))["no_signature"] == 0
    # a labelled field means a signature, even when its line is the sign-off's
    patti = ("Thanks,", "Patti (Sally's assistant)")
    e = email(signature=patti, sign_off=patti, phones=frozenset(), titles=("Sally's assistant",))
    assert counts(e, Prediction(title="Sally's assistant"))["no_signature"] == 0
    f = sr.score(
        [plain, replace(plain, id="x")],
        lambda e: Prediction(company="Acme") if e.id == "x" else Prediction(),
    )
    assert (f["invented"], f["no_signature"], f["invented_rate"]) == (1, 2, 0.5)


# -- misattribution ----------------------------------------------------------------------------


def test_quoted_phone_or_line_is_misattributed() -> None:
    e = email()
    assert sr.judge(e, Prediction(phones={"+12125550199"})).misattributed == ["+12125550199"]
    assert sr.judge(e, Prediction(["Bob Jones", "Director"])).misattributed == [
        "Bob Jones",
        "Director",
    ]
    assert sr.judge(e, Prediction(["VP Trading"], phones={"+17135550101"})).misattributed == []
    assert counts(e, Prediction(["Director"]))["misattributed"] == 1


def test_a_line_or_number_also_in_the_own_region_is_not_misattributed() -> None:
    own = OWN + "Bob Jones can call me at 212-555-0199.\n"
    e = email(own=own)
    assert sr.judge(e, Prediction(phones={"+12125550199"})).misattributed == []
    assert sr.judge(e, Prediction(["-----", "Bob Jones"])).misattributed == ["Bob Jones"]
    e = email(own=OWN + "Director\n")
    assert sr.judge(e, Prediction(["Director"])).misattributed == []
    e = email(quoted="> Bob Jones\n> Director\n")
    assert sr.judge(e, Prediction(["Director"])).misattributed == ["Director"]


def test_misattribution_is_na_without_header_labels() -> None:
    f = sr.score([email(quoted=None, set_name="forge")], lambda _: Prediction(["Director"]))
    assert f["misattributed"] is None


# -- loaders -----------------------------------------------------------------------------------


def ann(text: str, *dens: tuple[str, str]) -> dict[str, object]:
    """A Quagga document labelling the first occurrence of each (type, text)."""
    out = []
    for kind, part in dens:
        start = text.index(part)
        out.append({"type": kind, "start": start, "end": start + len(part), "text": part})
    return {"text": text, "denotations": out}


def test_quagga_own_region_zones_and_fields() -> None:
    text = "Ok.\n\nThanks,\nKay Young\nLegal Specialist\n713-853-6794 Phone\n\nFrom: Bob\nBob\n555-1212\n"
    doc = ann(
        text,
        ("Header", "From: Bob\n"),
        ("Body/Outro", "Thanks,\nKay Young"),
        ("Body/Signature", "Legal Specialist\n713-853-6794 Phone"),
        ("Body/Signature/Position", "Legal Specialist"),
        ("Body/Signature/Phone", "713-853-6794"),
    )
    body, g = sr.parse_quagga(doc, fields_labelled=True)
    assert body == text and g.own_text == text[: text.index("From: Bob")]
    assert g.quoted_text == "From: Bob\nBob\n555-1212\n"
    assert g.signature_lines == ("Legal Specialist", "713-853-6794 Phone")
    assert g.sign_off_lines == ("Thanks,", "Kay Young")
    assert g.phones == {"+17138536794"} and g.titles == ("Legal Specialist",)


def test_quagga_zoneless_fields_make_signature_lines_but_not_disclaimers_or_notes_banners() -> None:
    text = "Done.\n\nKay Young\n(713) 853-9188\nThis e-mail is confidential.\n"
    doc = ann(text, ("Body/Signature/Name", "Kay Young"), ("Body/Signature/Phone", "(713) 853-9188"),
              ("Body/Signature/Disclaimer", "This e-mail is confidential."))  # fmt: skip
    _, g = sr.parse_quagga(doc, fields_labelled=True)
    assert g.signature_lines == ("Kay Young", "(713) 853-9188") and g.names == ("Kay Young",)
    banner = "Good memo.\n\n\tEnron North America Corp.\n\t\n\tFrom:  Shona Wilson\n\nText\n"
    doc = ann(banner, ("Header", "From:  Shona Wilson\n"),
              ("Body/Signature/Organisation", "Enron North America Corp."))  # fmt: skip
    _, g = sr.parse_quagga(doc, fields_labelled=True)
    assert g.signature_lines == () and g.companies == ()


def test_quagga_zone_touches_only_lines_it_covers_with_text() -> None:
    text = "Add a bit.  \n\nwunder\nWalter Underwood\n"
    zone = {"type": "Body/Signature", "start": text.index("  \n\nwunder"), "end": len(text)}
    _, g = sr.parse_quagga({"text": text, "denotations": [zone]}, fields_labelled=True)
    assert g.signature_lines == ("wunder", "Walter Underwood")
    assert not g.fields_labelled  # a zone labelled without its fields: fields are not judged


def test_quagga_outro_name_without_its_zone_is_sign_off() -> None:
    _, g = sr.parse_quagga(
        ann("Sure.\n\nJeff\n", ("Body/Outro/Name", "Jeff")), fields_labelled=True
    )
    assert g.sign_off_lines == ("Jeff",) and g.sign_off_names == ("Jeff",)


def test_quagga_bottom_posted_reply() -> None:
    text = "On Mon, Ann wrote:\n> what heap?\n> Ann\n\n8 GB.\n\nCheers\nWalter\n-- \nWalter Underwood\n"
    doc = ann(text, ("Header", "On Mon, Ann wrote:\n"), ("Body/Outro", "Cheers\nWalter"),
              ("Body/Signature", "-- \nWalter Underwood"))  # fmt: skip
    _, g = sr.parse_quagga(doc, fields_labelled=False)
    assert g.own_text == "\n\n8 GB.\n\nCheers\nWalter\n-- \nWalter Underwood\n"
    assert g.quoted_text == "On Mon, Ann wrote:\n> what heap?\n> Ann"
    assert g.signature_lines == ("-- ", "Walter Underwood")


def test_mojibake_is_repaired() -> None:
    assert sr.unmojibake("Iâ€™ve run") == "I’ve run"
    assert sr.unmojibake("Müller") == "Müller"


def test_forge_sign_off_rule() -> None:
    assert sr.forge_sign_off(["Thanks,", "Ben"], "Brasseaux, Ben", None) == ("Thanks,", "Ben")
    assert sr.forge_sign_off(["Diane", "x-37059"], "Cook Diane H.", None) == ("Diane",)
    assert sr.forge_sign_off(["Thanks, BT "], "Tycholiz, Barry", None) == ("Thanks, BT ",)
    assert sr.forge_sign_off(["Barry Tycholiz - 713-853-1587."], "Tycholiz, Barry", None) == ()
    assert sr.forge_sign_off(["Bert Meyers", "Portland Desk"], "Meyers", None) == ("Bert Meyers",)
    text, g = sr.parse_forge("Hi\n\n#sig#Thanks,\n#sig#Ben\n#sig#x3-1234", "Ben", None)
    assert text == "Hi\n\nThanks,\nBen\nx3-1234" and g.signature_lines == (
        "Thanks,",
        "Ben",
        "x3-1234",
    )
    assert g.quoted_text is None


def test_senders() -> None:
    raw = b"From: sally.beck@enron.com\r\nX-From: Sally Beck\r\nSubject: x\r\n\r\nbody\r\n"
    assert sr.enron_sender(raw) == ("Sally Beck", "sally.beck@enron.com")
    x_from = b'From: a@b.com\nX-From: "Cherry, Beth" <Beth.Cherry@enform.com>\n\n'
    assert sr.enron_sender(x_from) == ("Cherry, Beth", "a@b.com")
    assert sr.forge_sender('"Cook  Diane H." <Diane.H.Cook@ENRON.com>') == (
        "Cook Diane H.",
        "Diane.H.Cook@ENRON.com",
    )
    assert sr.forge_sender("Rosendahl, Thomas G. [mailto:t.r@ubspw.com]") == (
        "Rosendahl, Thomas G.",
        "t.r@ubspw.com",
    )
    assert sr.forge_sender("Dean Drozdiak@ECT") == ("Dean Drozdiak", None)


# -- split and folds ---------------------------------------------------------------------------


def test_held_out_rules() -> None:
    assert sr.is_held_out(email(mailbox="kitchen-l")) and not sr.is_held_out(email())
    asf = email(set_name="asf")
    assert sr.is_held_out(replace(asf, id="asf/train_1010")) and not sr.is_held_out(
        replace(asf, id="asf/train_1011")
    )
    boxes = [f"user{i}@enron.com" for i in range(40)]
    held = [b for b in boxes if sr.is_held_out(email(set_name="forge", mailbox=b))]
    assert held and len(held) < len(boxes)


def test_cross_validation_never_tests_on_a_trained_mailbox() -> None:
    emails = [replace(email(mailbox=f"box{i % 7}"), id=f"e{i}") for i in range(30)]
    emails += [replace(email(mailbox="kitchen-l"), id="held")]
    calls: list[tuple[set[str], set[str]]] = []

    def train_and_predict(train: list[RealEmail], test: list[RealEmail]) -> dict[str, Prediction]:
        calls.append(({e.mailbox for e in train}, {e.mailbox for e in test}))
        return {e.id: Prediction([e.mailbox]) for e in test}

    got = sr.cross_validated(emails, train_and_predict, folds=3)
    assert set(got) == {e.id for e in emails}
    assert len(calls) == 4 and all(not (train & test) for train, test in calls)
    assert all("kitchen-l" not in train for train, _ in calls)
    folds = sr.mailbox_folds(emails[:30], 3)
    assert folds == sr.mailbox_folds(emails[:30], 3) and sum(map(len, folds)) == 30


# -- the real sets -----------------------------------------------------------------------------


corpora = pytest.mark.skipif(not sr.corpora_dir().is_dir(), reason="../shared/corpora is missing")


@corpora
def test_real_sets_load() -> None:
    emails = sr.load_sets()
    sizes = Counter((e.set_name, sr.is_held_out(e)) for e in emails)
    assert sizes[("enron", False)] + sizes[("enron", True)] == 500
    assert sizes[("asf", False)] + sizes[("asf", True)] == 222
    assert sizes[("forge", False)] + sizes[("forge", True)] == 192
    assert all(sizes[(s, True)] > 0 for s in sr.SETS)
    assert all(e.gold.own_text in e.text_plain for e in emails)
    assert sum(bool(e.gold.signature_lines) for e in emails if e.set_name == "enron") > 50


@corpora
def test_project_scores_all_sets_quickly() -> None:
    started = time.monotonic()
    emails = sr.load_sets()
    f = sr.score(emails, sr.predict_project)
    assert time.monotonic() - started < 30
    assert f["emails"] == len(emails) and 0.0 < f["line_f1"] <= 1.0
    assert f["misattributed"] is not None and f["phone_precision"] is not None
