"""The vocabulary the signature finder and parser read by: sign-offs, mobile sign-offs,
disclaimer and banner phrases, job-title words and company suffixes, in en/ru/de/fr/es.

Kept apart from the logic so that adding a language is a data change.
"""

from __future__ import annotations

import re


class LowerCasePattern:
    """A case-insensitive search that lower-cases the text first: Python's IGNORECASE makes a
    long alternation several times slower (23 → 3 µs a line for the disclaimer words)."""

    def __init__(self, pattern: str) -> None:
        self._re = re.compile(pattern)

    def search(self, text: str) -> re.Match[str] | None:
        return self._re.search(text.lower())


SIGN_OFFS = (
    # en
    "best regards|kind regards|warm regards|warmest regards|regards|best wishes|best|all the best"
    "|many thanks|thanks so much|thanks a lot|thanks again|thanks|thank you|thx|cheers|sincerely"
    "|yours sincerely|yours faithfully|yours|talk soon|speak soon|warmly|br"
    # ru
    "|с уважением|с наилучшими пожеланиями|всего доброго|всего хорошего|хорошего дня|спасибо"
    "|заранее спасибо|благодарю|с благодарностью|до связи"
    # de
    "|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|freundliche grüsse"
    "|viele grüße|viele grüsse|beste grüße|beste grüsse|liebe grüße|herzliche grüße"
    "|schöne grüße|sonnige grüße|grüße|gruß|mfg|lg|vg|danke|vielen dank|danke und grüße"
    # fr
    "|cordialement|bien cordialement|très cordialement|bien à vous|salutations|merci"
    "|merci beaucoup|merci d'avance|bonne journée|belle journée|à bientôt|amicalement"
    # es
    "|saludos|un saludo|saludos cordiales|muchas gracias|gracias|atentamente|un abrazo"
    "|cordiales saludos|quedo atento|quedo atenta"
)
# A sign-off alone on its line, or followed by a short name ("Cheers, Tom").
SIGN_OFF = re.compile(
    rf"^\s*(?:{SIGN_OFFS})(?:\s+(?:aus|from|von|из|de|desde)\s+[^\W\d_][^\d,!@:]{{0,30}})?"
    rf"(?:[\s,.!]+(?:from\s+)?(?P<name>[^\W\d_][^\d@:]{{0,40}}))?[\s,.!]*$",
    re.IGNORECASE,
)
MOBILE_SIGN_OFF = re.compile(
    r"^\s*(?:(?:sent|gesendet|envoyé|enviado|отправлено|send) (?:from|with|von|via|de|desde|с)\b"
    r".{0,40}$|von meinem .{0,40} gesendet\.?$|get outlook for .{0,20}$"
    r"|diese nachricht wurde von meinem .{0,30} gesendet\.?$)",
    re.IGNORECASE,
)
DISCLAIMER = LowerCasePattern(
    r"confidential|intended recipient|privileged|disclaimer|notify the sender|unauthori[sz]ed"
    r"|this (?:e-?mail|message) (?:and any|is|may)|virus|legal notice|gdpr|data protection"
    r"|environment before printing|think before (?:you )?print"
    r"|vertraulich|empfänger|irrtümlich|weitergabe|datenschutz|umwelt|rechtsverbindlich"
    r"|handelsregister|registergericht|amtsgericht|geschäftsführ(?:er|ung):|sitz der gesellschaft"
    r"|конфиденциальн|адресат|получател|не являетесь|персональных данных"
    r"|confidentiel|destinataire|ce message|ce courriel|pensez à l'environnement"
    r"|confidencial|destinatario|este mensaje|este correo|protección de datos|medio ambiente",
)
BANNER = re.compile(
    r"^\s*(?:\[(?:image|cid|bild|grafik|изображение|logo)[^\]]*\]|<image\d*\.\w+>"
    r"|(?:we(?:'| a)re hiring|wir stellen ein|wir suchen|join (?:our|the) team|follow us"
    r"|folgen sie uns|мы ищем|мы нанимаем|nous recrutons|estamos contratando"
    r"|подписывайтесь|мы в соцсетях|suivez-nous|síguenos|check out our|visit us at"
    r"|award[- ]winning|best employer|top employer|great place to work)\b.*)$",
    re.IGNORECASE,
)
DELIMITER = re.compile(r"^(?:-- ?|—|––|__)$")
# A postscript after the signature ("P.S.", "PS:", Spanish "P.D.", Russian "П.С.").
POSTSCRIPT = re.compile(r"^\s*(?:p\.\s?s\.?|ps:|p\.\s?d\.|п\.\s?с\.)", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return text.split()


class _TitleWords:
    """Job-title vocabulary. A word list with set and prefix look-ups rather than one regex:
    a 150-way alternation costs tens of microseconds per line, and every signature line is
    asked about several times."""

    _EXACT = frozenset(
        _words(
            """talent managing lead partner specialist officer executive coordinator associate
        engineer developer analyst founder ceo cto cfo coo chro cpo hr hrbp people vp president
        principal advisor adviser generalist owner intern assistant architect researcher
        acquisition эйчар vorstand assistenz teamlead responsable chargé chargée directeur
        directrice consultante chef gérant gérante stagiaire rh director directora gerente
        técnico técnica consultor consultora jefe jefa ingeniero ingeniera especialista
        selección rrhh scientist economist trader counsel attorney lawyer accountant
        controller treasurer secretary administrator representative rep supervisor chairman
        chairwoman chair head senior sr jr junior clerk scheduler planner strategist designer
        editor professor lecturer broker originator marketer auditor geologist geoscientist
        paralegal receptionist counselor superintendent technician programmer admin evp svp avp
        md gm cio ciso cmo chief deputy commissioner chemist physicist inspector evangelist
        ingénieur ingénieure développeur développeuse"""
        )
    )
    _PREFIXES = tuple(
        _words(
            """recruiter sourc manager director consultant менеджер рекрутер директор руководител
        специалист ведущ старш главн начальник партнер партнёр консультант аналитик разработчик
        инженер основател генеральн сорсер ассистент помощник подбор geschäftsführer personal
        sachbearbeiter inhaber gründer prokurist ingenieur fondat recruteu chasseu reclutador
        fundador coordinador"""
        )
    )
    # German compounds: Teamleiter, Personalberaterin, Softwareentwickler.
    _INFIXES = ("leiter", "berater", "referent", "entwickler")
    _PHRASES = ("head of", "vice president", "human resources", "ressources humaines",
                "recursos humanos")  # fmt: skip
    _WORD = re.compile(r"[^\W\d_]+")

    def search(self, text: str) -> bool:
        """Whether any word of `text` is a job-title word."""
        low = text.lower()
        if any(p in low for p in self._PHRASES):
            return True
        return any(self._is_title_word(w) for w in self._WORD.findall(low))

    def match(self, text: str) -> bool:
        """Whether `text` starts with a job-title word."""
        first = self._WORD.match(text.lower())
        return first is not None and self._is_title_word(first.group(0))

    def _is_title_word(self, word: str) -> bool:
        if word.endswith("s") and len(word) > 5 and self._is_singular_title_word(word[:-1]):
            return False  # "MBM Consultants", "Engineers Ltd": a firm, not a job
        return self._is_singular_title_word(word)

    def _is_singular_title_word(self, word: str) -> bool:
        return (
            word in self._EXACT
            or word.startswith(self._PREFIXES)
            or any(i in word for i in self._INFIXES)
        )


TITLE_WORDS = _TitleWords()

COMPANY_SUFFIX = LowerCasePattern(
    r"(?:\b(?:gmbh|ag|kg|se|mbh|ug|e\.\s?v\.|ltd\.?|limited|inc\.?|llc|llp|plc|corp\.?"
    r"|corporation|co\.|s\.a\.?|sa|sas|sarl|s\.l\.?|sl|srl|s\.r\.l\.|bv|b\.v\.|nv|oy"
    r"|group|gruppe|holding|technologies|solutions|labs|consulting|partners|bank|energy"
    r"|capital|associates|university|institute|college|commission|association|foundation"
    r"|utilities|securities|insurance|holdings|international|brothers|consultants|engineers"
    r"|services|systems|networks|markets|broadband"
    r"|advisors|advisers|architects|brokers|attorneys|lawyers|accountants|recruiters|l\.l\.p\.|l\.l\.c\.)"
    r"(?=$|[\s,.)])|\w \& \w"
    r"|\b(?:ооо|ао|пао|зао|оао|ип|группа компаний|гк)\b|\w\s*[«\"].+[»\"])",
)
# Words a department is made of: "Manager, Load Forecasting" and "Director, Client Relations"
# are one title each, while "Recruiter, Northwind Recruiting" names a firm.
DEPARTMENT_WORDS = frozenset(
    _words(
        """forecasting operations affairs development relations marketing sales finance trading
        research engineering analytics accounting legal compliance risk strategy planning
        resources acquisition support technology products origination structuring regulatory
        government corporate business client customer advisory markets desk department dept
        division team it hr recruiting recruitment talent people services human capital load
        general public international global product information technical systems security
        management and of the for & gas power energy north america europe asia emea us east
        west south central financial commercial investor investment portfolio credit audit
        tax treasury communications media digital data science infrastructure facilities"""
    )
)
# Words that label a link rather than name a company ("LinkedIn" as a link's text).
LINK_WORDS = frozenset(
    [
        "linkedin",
        "xing",
        "twitter",
        "facebook",
        "instagram",
        "website",
        "web",
        "telegram",
        "whatsapp",
        "skype",
        "github",
        "youtube",
        "vk",
        "x",
    ]
)
# A phone or address label standing alone ("Phone" over its number in another cell).
CONTACT_LABELS = frozenset(
    _words(
        """phone telephone tel fax facsimile mobile cell cellular office direct pager email e-mail
        mail web website address телефон тел факс мобильный telefon handy téléphone portable
        teléfono móvil"""
    )
)
# Sales regions that follow a title ("Head of Talent, EMEA") and are no company.
REGION_WORDS = frozenset(
    ["emea", "dach", "apac", "cis", "снг", "europe", "latam", "nordics", "americas", "global"]
)

_US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts"
    "|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey"
    "|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania"
    "|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington"
    "|West Virginia|Wisconsin|Wyoming|D\\.?C\\.?"
    "|A[LKZR]|C[AOT]|DE|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|T[NX]"
    "|UT|V[TA]|W[AVIY]"
)
# "Houston, Texas 77002", "San Francisco, CA  94104": a US city line of an address.
US_CITY_LINE = re.compile(
    rf"^(?P<city>[A-Z][A-Za-z.' -]{{1,30}}),\s*(?:{_US_STATES})\.?(?:\s+\d{{5}}(?:-\d{{4}})?)?$"
)
