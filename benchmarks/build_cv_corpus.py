"""Build the labelled CV and business-card corpus in tests/corpus/cvs and tests/corpus/cards.

Usage: python benchmarks/build_cv_corpus.py [--out DIR]

Renders invented people (benchmarks/cv_people.py) into real files: PDFs (one and two columns,
tables, Europass-like, hh.ru-style Russian, German Lebenslauf), DOCX, ODT, RTF, scanned PDFs
(text rendered to a slightly rotated, noisy image), vCards 3.0 and 4.0 and card photos. Each
directory gets a labels.json: file name → the fields a reader should find. A file whose name
hashes to 0 mod 3 is held out (benchmarks/score_cvs.py reports it apart). Needs reportlab,
python-docx, odfpy and Pillow, and the DejaVu fonts (Debian fonts-dejavu-core).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.cv_people import COUNTRY_CANON, Person, make_person  # noqa: E402
from benchmarks.cv_unseen import UNSEEN, UNSEEN2  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

Block = tuple[str, Any]  # ("h", text) | ("p", text) | ("kv", [(k, v)]) | ("li", [text])

HEAD = {
    "en": {"contact": "Contact", "exp": "Experience", "lang": "Languages", "extra": "Other",
           "refs": "References", "phone": "Phone", "email": "Email", "addr": "Location",
           "profile": "Profile", "now": "present"},
    "de": {"contact": "Kontakt", "exp": "Berufserfahrung", "lang": "Sprachkenntnisse",
           "extra": "Sonstiges", "refs": "Referenzen", "phone": "Telefon", "email": "E-Mail",
           "addr": "Wohnort", "profile": "Profil", "now": "heute"},
    "ru": {"contact": "Контакты", "exp": "Опыт работы", "lang": "Знание языков",
           "extra": "Дополнительно", "refs": "Рекомендации", "phone": "Телефон",
           "email": "Эл. почта", "addr": "Проживает", "profile": "О себе", "now": "по настоящее время"},
    "fr": {"contact": "Coordonnées", "exp": "Expérience professionnelle", "lang": "Langues",
           "extra": "Divers", "refs": "Références", "phone": "Téléphone", "email": "E-mail",
           "addr": "Adresse", "profile": "Profil", "now": "aujourd'hui"},
}  # fmt: skip


def held_out(name: str) -> bool:
    """The deterministic third kept aside: by a stable hash of the file name."""
    import hashlib

    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 3 == 0


def contact_rows(p: Person) -> list[tuple[str, str]]:
    h = HEAD[p.lang]
    rows = [(h["phone"], p.phone_text), (h["email"], p.email)]
    if p.extra_phone:
        label = {"en": "Office", "de": "Festnetz", "ru": "Домашний", "fr": "Fixe"}[p.lang]
        rows.append((label, p.extra_phone[1]))
    rows.append((h["addr"], f"{p.city}, {p.country_name}"))
    if p.linkedin:
        rows.append(("LinkedIn", p.linkedin))
    if p.github:
        rows.append(("GitHub", p.github))
    if p.birth:
        rows.append(({"en": "Born", "de": "Geburtsdatum", "ru": "Дата рождения",
                      "fr": "Né(e) le"}[p.lang], p.birth))  # fmt: skip
    return rows


def experience(p: Person) -> list[Block]:
    h = HEAD[p.lang]
    out: list[Block] = [("h", h["exp"])]
    since = {"en": "Since", "de": "Seit", "ru": "С", "fr": "Depuis"}[p.lang]
    at = {"en": "at", "de": "bei", "ru": "в", "fr": "chez"}[p.lang]
    variant = int(p.key[-3:]) % 4
    if variant == 0:
        out.append(("p", f"2022 – {h['now']}: {p.title}, {p.company}"))
    elif variant == 1:
        out.append(("p", f"{since} 2022: {p.title} {at} {p.company}"))
    elif variant == 2:
        out.append(("p", f"{p.company} | {p.title} | 2022 – {h['now']}"))
    else:
        out += [("p", f"03/2022 – {h['now']}"), ("p", p.company), ("p", p.title)]
    out.append(("p", _duty(p.lang)))
    for years, title, company in p.past:
        out.append(("p", f"{years}: {title}, {company}"))
    return out


def _duty(lang: str) -> str:
    return {
        "en": "Led a team of six; cut release time from two weeks to two days.",
        "de": "Verantwortung für ein Team von sechs Personen; Einführung von CI/CD.",
        "ru": "Руководство командой из 6 человек, внедрение CI/CD, сокращение сроков релиза.",
        "fr": "Encadrement d'une équipe de six personnes ; mise en place de l'intégration continue.",
    }[lang]


def wishes(p: Person) -> list[Block]:
    out: list[Block] = []
    lines = [t for t in (p.salary_text, p.notice_text) if t]
    if lines:
        out.append(("h", HEAD[p.lang]["extra"]))
        out.extend(("p", t) for t in lines)
    return out


def languages(p: Person) -> list[Block]:
    return [("h", HEAD[p.lang]["lang"]), ("li", p.languages_text)]


def references(p: Person) -> list[Block]:
    if not p.reference:
        return []
    name, phone, mail = p.reference
    return [("h", HEAD[p.lang]["refs"]), ("p", f"{name}, {phone}, {mail}")]


def full_name(p: Person) -> str:
    if p.lang == "ru":
        return f"{p.last} {p.first}" + (f" {p.middle}" if p.middle else "")
    return p.name


def doc_blocks(p: Person, style: str) -> list[Block]:
    """The CV as blocks, worded in one of the layouts' conventions."""
    h = HEAD[p.lang]
    rows = contact_rows(p)
    if style == "europass":
        personal = [("Surname(s) / First name(s)", f"{p.last}, {p.first}"),
                    ("Address", f"{p.city}, {p.country_name}"), ("Mobile", p.phone_text),
                    ("E-mail", p.email)]  # fmt: skip
        if p.linkedin:
            personal.append(("LinkedIn", p.linkedin))
        out: list[Block] = [("h", "Europass Curriculum Vitae"), ("h", "Personal information")]
        out.append(("kv", personal))
        out.append(("h", "Desired employment / Occupational field"))
        out.append(("p", p.title))
        out += experience(p) + languages(p) + wishes(p) + references(p)
        return out
    if style == "hh":
        out = [("title", full_name(p))]
        sex = "Женщина" if p.first.endswith(("а", "я")) else "Мужчина"
        out.append(("p", f"{sex}, {p.birth or '34 года'}"))
        out.append(("p", f"{p.phone_text} — предпочитаемый способ связи"))
        out.append(("p", p.email))
        out.append(("p", f"Проживает: {p.city}"))
        out.append(("p", "Гражданство: Россия, есть разрешение на работу: Россия"))
        if p.extra_phone:
            out.append(("p", f"{p.extra_phone[1]} (домашний)"))
        if p.linkedin:
            out.append(("p", f"LinkedIn: {p.linkedin}"))
        out.append(("h", "Желаемая должность и зарплата"))
        out.append(("p", p.title))
        if p.salary_text:
            out.append(("p", p.salary_text))
        out.append(
            ("p", "Занятость: полная занятость. График работы: полный день, удалённая работа")
        )
        if p.notice_text:
            out.append(("p", p.notice_text))
        out += experience(p) + languages(p) + references(p)
        return out
    if style == "lebenslauf":
        out = [("title", "Lebenslauf"), ("h", "Persönliche Daten")]
        kv = [("Name", p.name), ("Anschrift", f"Musterweg {len(p.last)}, {p.city}"),
              ("Telefon", p.phone_text), ("E-Mail", p.email)]  # fmt: skip
        if p.extra_phone:
            kv.append(("Festnetz", p.extra_phone[1]))
        if p.birth:
            kv.append(("Geburtsdatum", p.birth))
        kv.append(("Staatsangehörigkeit", "deutsch"))
        if p.linkedin:
            kv.append(("LinkedIn", p.linkedin))
        out.append(("kv", kv))
        out += experience(p) + languages(p) + wishes(p) + references(p)
        out.append(("p", f"{p.city}, den 12.10.2026"))
        return out
    out = [("title", full_name(p)), ("p", p.title)]
    if style == "table":
        out.append(("kv", rows))
    else:
        out.append(("p", " | ".join(v for _, v in rows[:3])))
        out += [("p", f"{k}: {v}") for k, v in rows[3:]]
    out.append(("h", h["profile"]))
    out.append(("p", _profile(p)))
    out += experience(p) + languages(p) + wishes(p) + references(p)
    return out


def _profile(p: Person) -> str:
    return {
        "en": f"{p.title} with ten years of experience, based in {p.city}.",
        "de": f"Erfahrene Fachkraft ({p.title}) mit Schwerpunkt auf Qualität und Teamarbeit.",
        "ru": "Опыт работы более 8 лет, ориентирован на результат.",
        "fr": "Dix ans d'expérience, goût du travail en équipe.",
    }[p.lang]


# -- renderers ---------------------------------------------------------------------------------


def _fonts() -> None:
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics

    rl_config.invariant = 1  # no creation date or random id: the same bytes on every build
    from reportlab.pdfbase.ttfonts import TTFont

    if "DV" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DV", FONT))
        pdfmetrics.registerFont(TTFont("DVB", FONT_BOLD))


def render_pdf(blocks: list[Block], path: Path) -> None:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _fonts()
    body = ParagraphStyle("b", fontName="DV", fontSize=10, leading=13)
    head = ParagraphStyle("h", fontName="DVB", fontSize=12, leading=16, spaceBefore=8)
    title = ParagraphStyle("t", fontName="DVB", fontSize=18, leading=22)
    flow: list[Any] = []
    for kind, value in blocks:
        if kind == "title":
            flow.append(Paragraph(escape(value), title))
        elif kind == "h":
            flow.append(Paragraph(escape(value), head))
        elif kind == "p":
            flow.append(Paragraph(escape(value), body))
        elif kind == "li":
            flow.extend(Paragraph("• " + escape(v), body) for v in value)
        elif kind == "kv":
            t = Table([[Paragraph(escape(k), body), Paragraph(escape(v), body)] for k, v in value],
                      colWidths=[150, 330])  # fmt: skip
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
            flow.append(t)
        flow.append(Spacer(1, 2))
    SimpleDocTemplate(str(path), pagesize=A4, title="CV", author="", creator="").build(flow)


def render_pdf_two_columns(p: Person, path: Path) -> None:
    """A sidebar (contacts, languages) beside the main column, as many designed CVs are."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _fonts()
    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    c.setFillGray(0.92)
    c.rect(0, 0, 190, height, stroke=0, fill=1)
    c.setFillGray(0)
    y = height - 60
    c.setFont("DVB", 11)
    c.drawString(20, y, HEAD[p.lang]["contact"])
    c.setFont("DV", 8)
    for _, v in contact_rows(p):
        y -= 14
        for piece in _wrap(v, 34):
            c.drawString(20, y, piece)
            y -= 11
    y -= 14
    c.setFont("DVB", 11)
    c.drawString(20, y, HEAD[p.lang]["lang"])
    c.setFont("DV", 8)
    for v in p.languages_text:
        y -= 13
        c.drawString(20, y, v)
    y = height - 60
    c.setFont("DVB", 20)
    c.drawString(210, y, full_name(p))
    y -= 22
    c.setFont("DV", 12)
    c.drawString(210, y, p.title)
    for kind, value in experience(p) + wishes(p) + references(p):
        y -= 18 if kind == "h" else 14
        c.setFont("DVB" if kind == "h" else "DV", 11 if kind == "h" else 9)
        for piece in _wrap(value, 70):
            c.drawString(210, y, piece)
            y -= 12
    c.setTitle("CV")
    c.save()


def _wrap(text: str, width: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return lines + ([cur] if cur else [])


def render_docx(blocks: list[Block], path: Path) -> None:
    import docx

    d = docx.Document()
    for kind, value in blocks:
        if kind == "title":
            d.add_heading(value, level=0)
        elif kind == "h":
            d.add_heading(value, level=1)
        elif kind == "p":
            d.add_paragraph(value)
        elif kind == "li":
            for v in value:
                d.add_paragraph(v, style="List Bullet")
        elif kind == "kv":
            t = d.add_table(rows=0, cols=2)
            for k, v in value:
                cells = t.add_row().cells
                cells[0].text, cells[1].text = k, v
    d.core_properties.author = ""
    d.save(str(path))


def render_odt(blocks: list[Block], path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    doc = OpenDocumentText()
    for kind, value in blocks:
        if kind in ("title", "h"):
            doc.text.addElement(H(outlinelevel=1 if kind == "title" else 2, text=value))
        elif kind == "p":
            doc.text.addElement(P(text=value))
        elif kind == "li":
            for v in value:
                doc.text.addElement(P(text="• " + v))
        elif kind == "kv":
            t = Table(name="contact")
            t.addElement(TableColumn(numbercolumnsrepeated=2))
            for k, v in value:
                row = TableRow()
                for cell_text in (k, v):
                    cell = TableCell()
                    cell.addElement(P(text=cell_text))
                    row.addElement(cell)
                t.addElement(row)
            doc.text.addElement(t)
    doc.save(str(path))


def render_rtf(blocks: list[Block], path: Path) -> None:
    def esc(s: str) -> str:
        out = []
        for ch in s:
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ord(ch) > 127:
                code = ord(ch) if ord(ch) < 32768 else ord(ch) - 65536
                out.append(f"\\u{code}?")
            else:
                out.append(ch)
        return "".join(out)

    parts = ["{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs20 "]
    for kind, value in blocks:
        if kind in ("title", "h"):
            parts.append(f"{{\\b\\fs{28 if kind == 'title' else 24} {esc(value)}}}\\par ")
        elif kind == "p":
            parts.append(esc(value) + "\\par ")
        elif kind == "li":
            parts.extend("\\bullet  " + esc(v) + "\\par " for v in value)
        elif kind == "kv":
            parts.extend(f"{esc(k)}:\\tab {esc(v)}\\par " for k, v in value)
    parts.append("}")
    path.write_text("".join(parts), encoding="ascii")


def text_lines(blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    for kind, value in blocks:
        if kind == "li":
            lines.extend(value)
        elif kind == "kv":
            lines.extend(f"{k}: {v}" for k, v in value)
        else:
            lines.append(value)
    return lines


def scan(lines: list[str], rng: random.Random, size: tuple[int, int], font_size: int) -> Any:
    """Text drawn on paper, slightly rotated and speckled, as a scanner or phone camera gives."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    img = Image.new("L", size, 250)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(rng.choice([FONT, FONT_SERIF]), font_size)
    y = int(size[1] * 0.05)
    for line in lines:
        for piece in _wrap(line, int(size[0] / (font_size * 0.55))):
            draw.text((int(size[0] * 0.07), y), piece, fill=rng.randint(10, 50), font=font)
            y += int(font_size * 1.45)
            if y > size[1] - font_size * 2:
                break
    for _ in range(size[0] * size[1] // 400):
        xy = (rng.randrange(size[0]), rng.randrange(size[1]))
        img.putpixel(xy, rng.randint(120, 200))
    img = img.rotate(rng.uniform(-1.8, 1.8), resample=Image.Resampling.BICUBIC, fillcolor=245)
    return img.filter(ImageFilter.GaussianBlur(0.5))


def render_scanned_pdf(blocks: list[Block], path: Path, rng: random.Random) -> None:
    img = scan(text_lines(blocks), rng, (1240, 1754), 18)
    img.save(str(path), "PDF", resolution=150.0, quality=45)


# -- cards -------------------------------------------------------------------------------------


def vcard(p: Person, version: str, rng: random.Random) -> str:
    def v(s: str) -> str:
        return s.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")

    tel_type = "CELL" if version == "3.0" else '"cell,voice"'
    lines = [
        "BEGIN:VCARD",
        f"VERSION:{version}",
        f"FN:{v(p.name)}",
        f"N:{v(p.last)};{v(p.first)};;;",
    ]
    lines.append(f"ORG:{v(p.company)}")
    lines.append(f"TITLE:{v(p.title)}")
    lines.append(f"TEL;TYPE={tel_type}:{p.phone_text}")
    if p.extra_phone:
        lines.append(f"TEL;TYPE=WORK{',VOICE' if version == '3.0' else ''}:{p.extra_phone[1]}")
    lines.append(f"EMAIL;TYPE=INTERNET:{p.email}" if version == "3.0" else f"EMAIL:{p.email}")
    lines.append(
        f"ADR;TYPE=WORK:;;Hauptstr. {rng.randint(1, 90)};{v(p.city)};;;{v(p.country_name)}"
    )
    if p.linkedin:
        lines.append(f"URL:{p.linkedin}")
    lines.append(f"NOTE:{v('Met at the ' + rng.choice(['spring fair', 'meetup', 'conference']))}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def card_lines(p: Person) -> list[str]:
    lines = [p.name, p.title, p.company, ""]
    label = {"en": "Mobile", "de": "Mobil", "ru": "Моб.", "fr": "Portable"}[p.lang]
    lines.append(f"{label}: {p.phone_text}")
    if p.extra_phone:
        lines.append(f"Tel: {p.extra_phone[1]}")
    lines.append(p.email)
    lines.append(f"{p.city}, {p.country_name}")
    return lines


def card_label(p: Person) -> dict[str, Any]:
    label = p.label()
    return {
        k: label[k] for k in ("name", "emails", "phones", "title", "company", "city", "country")
    }


# -- the corpus --------------------------------------------------------------------------------

CV_PLAN = [  # (layout, language, count)
    ("pdf", "en", 7), ("pdf-table", "en", 4), ("pdf-2col", "en", 5), ("pdf-2col", "de", 3),
    ("pdf-europass", "en", 3), ("pdf-europass", "fr", 2), ("pdf-hh", "ru", 7),
    ("pdf-lebenslauf", "de", 6), ("docx", "en", 4), ("docx", "de", 3), ("docx", "ru", 3),
    ("docx-table", "en", 3), ("odt", "de", 2), ("odt", "fr", 1), ("rtf", "en", 3),
    ("rtf", "ru", 2), ("scan", "en", 2), ("scan", "de", 2), ("scan", "ru", 2),
]  # fmt: skip
CARD_PLAN = [("vcf3", "en", 6), ("vcf3", "de", 4), ("vcf4", "ru", 4), ("vcf4", "en", 4),
             ("vcf4", "fr", 2), ("photo", "en", 4), ("photo", "de", 4), ("photo", "ru", 2)]  # fmt: skip


def build(out_cvs: Path, out_cards: Path) -> tuple[int, int]:
    rng = random.Random(18)
    out_cvs.mkdir(parents=True, exist_ok=True)
    out_cards.mkdir(parents=True, exist_ok=True)
    labels: dict[str, Any] = {}
    n = 0
    for layout, lang, count in CV_PLAN:
        for _ in range(count):
            n += 1
            p = make_person(rng, f"cv{n:03d}", lang)
            style = {"pdf-table": "table", "docx-table": "table", "pdf-europass": "europass",
                     "pdf-hh": "hh", "pdf-lebenslauf": "lebenslauf"}.get(layout, "plain")  # fmt: skip
            if lang == "ru" and layout in ("docx", "rtf") and rng.random() < 0.6:
                style = "hh"
            if lang == "de" and layout in ("docx", "odt", "scan") and rng.random() < 0.5:
                style = "lebenslauf"
            blocks = doc_blocks(p, style)
            ext = {"docx": "docx", "docx-table": "docx", "odt": "odt", "rtf": "rtf"}.get(
                layout, "pdf"
            )
            name = f"{n:03d}-{lang}-{layout}.{ext}"
            path = out_cvs / name
            if layout == "pdf-2col":
                render_pdf_two_columns(p, path)
            elif ext == "pdf" and layout != "scan":
                render_pdf(blocks, path)
            elif layout == "scan":
                render_scanned_pdf(blocks, path, rng)
            elif ext == "docx":
                render_docx(blocks, path)
            elif ext == "odt":
                render_odt(blocks, path)
            else:
                render_rtf(blocks, path)
            label = p.label()
            if style == "hh" or layout == "scan" and lang == "ru":
                label["country"] = COUNTRY_CANON[p.country_name]
            labels[name] = {"layout": layout, "lang": lang, "held_out": held_out(name), **label}
    for name, text, label in [*UNSEEN, *UNSEEN2]:
        lines = text.strip("\n").split("\n")
        path = out_cvs / name
        if name.endswith(".docx") and " | " in text:
            render_docx([("kv", [tuple((ln.split(" | ", 1) + [""])[:2]) for ln in lines])], path)
        elif name.endswith(".docx"):
            render_docx([("p", ln) for ln in lines], path)
        elif name.endswith(".rtf"):
            render_rtf([("p", ln) for ln in lines], path)
        else:
            render_pdf([("p", ln or " ") for ln in lines], path)
        lang = name.split("-")[1]
        part = "unseen2" if name.startswith("v") else "unseen"
        labels[name] = {"layout": part, "lang": lang, "held_out": True, "set": part, **label}
    (out_cvs / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n")
    cards: dict[str, Any] = {}
    m = 0
    for kind, lang, count in CARD_PLAN:
        for _ in range(count):
            m += 1
            p = make_person(rng, f"card{m:03d}", lang)
            if kind.startswith("vcf"):
                name = f"{m:03d}-{lang}-{kind}.vcf"
                (out_cards / name).write_bytes(
                    vcard(p, "3.0" if kind == "vcf3" else "4.0", rng).encode()
                )
            else:
                name = f"{m:03d}-{lang}-photo.jpg"
                img = scan(card_lines(p), rng, (1050, 600), 34)
                buf = io.BytesIO()
                img.save(buf, "JPEG", quality=60)
                (out_cards / name).write_bytes(buf.getvalue())
            cards[name] = {"kind": kind, "lang": lang, "held_out": held_out(name), **card_label(p)}
            if kind.startswith("vcf"):
                cards[name]["urls"] = [p.linkedin] if p.linkedin else []
    (out_cards / "labels.json").write_text(json.dumps(cards, ensure_ascii=False, indent=1) + "\n")
    return len(labels), m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "corpus")
    args = parser.parse_args()
    cvs, cards = build(args.out / "cvs", args.out / "cards")
    print(f"{cvs} CVs in {args.out / 'cvs'}, {cards} cards in {args.out / 'cards'}")


if __name__ == "__main__":
    main()
