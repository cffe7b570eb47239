"""The vocabulary the signature finder and parser read by: sign-offs, mobile sign-offs,
disclaimer and banner phrases, job-title words and company suffixes, in en/ru/de/fr/es.

Kept apart from the logic so that adding a language is a data change.
"""

from __future__ import annotations

import re

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
DISCLAIMER = re.compile(
    r"confidential|intended recipient|privileged|disclaimer|notify the sender|unauthori[sz]ed"
    r"|this (?:e-?mail|message) (?:and any|is|may)|virus|legal notice|gdpr|data protection"
    r"|environment before printing|think before (?:you )?print"
    r"|vertraulich|empfänger|irrtümlich|weitergabe|datenschutz|umwelt|rechtsverbindlich"
    r"|handelsregister|registergericht|amtsgericht|geschäftsführ(?:er|ung):|sitz der gesellschaft"
    r"|конфиденциальн|адресат|получател|не являетесь|персональных данных"
    r"|confidentiel|destinataire|ce message|ce courriel|pensez à l'environnement"
    r"|confidencial|destinatario|este mensaje|este correo|protección de datos|medio ambiente",
    re.IGNORECASE,
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

TITLE_WORDS = re.compile(
    r"\b(?:recruiter\w*|talent|sourc\w*|manager\w*|managing|director\w*|head of|lead|partner"
    r"|consultant\w*|specialist|officer|executive|coordinator|associate|engineer|developer"
    r"|analyst|founder|co-founder|ceo|cto|cfo|coo|chro|cpo|hr|hrbp|human resources|people"
    r"|vp|vice president|president|principal|advisor|adviser|generalist|owner|intern|assistant"
    r"|architect|researcher|acquisition"
    r"|менеджер\w*|рекрутер\w*|директор\w*|руководител\w*|специалист\w*|ведущ\w*|старш\w*"
    r"|главн\w*|начальник\w*|эйчар|партн[её]р\w*|консультант\w*|аналитик\w*|разработчик\w*"
    r"|инженер\w*|основател\w*|генеральн\w*|сорсер\w*|ассистент\w*|помощник\w*|подбор\w*"
    r"|\w*(?:leiter|berater|referent|entwickler)\w*|geschäftsführer\w*|personal\w*"
    r"|sachbearbeiter\w*|inhaber\w*|gründer\w*|vorstand|prokurist\w*|assistenz|entwickler\w*"
    r"|ingenieur\w*|teamlead|bereichsleiter\w*"
    r"|responsable|chargée?|directeur|directrice|consultante|chef|gérante?|fondat\w*"
    r"|recruteu\w*|chasseu\w*|stagiaire|ressources humaines|rh"
    r"|directora?|gerente|técnic[oa]|reclutador\w*|consultora?|jef[ea]|fundador\w*"
    r"|ingenier[oa]|especialista|coordinador\w*|selección|rrhh|recursos humanos)\b",
    re.IGNORECASE,
)
COMPANY_SUFFIX = re.compile(
    r"(?:\b(?:gmbh|ag|kg|se|mbh|ug|e\.\s?v\.|ltd\.?|limited|inc\.?|llc|llp|plc|corp\.?"
    r"|corporation|co\.|s\.a\.?|sa|sas|sarl|s\.l\.?|sl|srl|s\.r\.l\.|bv|b\.v\.|nv|oy"
    r"|group|gruppe|holding|technologies|solutions|labs|consulting|partners)(?=$|[\s,.)])"
    r"|\b(?:ооо|ао|пао|зао|оао|ип|группа компаний|гк)\b|\w\s*[«\"].+[»\"])",
    re.IGNORECASE,
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
# Sales regions that follow a title ("Head of Talent, EMEA") and are no company.
REGION_WORDS = frozenset(
    ["emea", "dach", "apac", "cis", "снг", "europe", "latam", "nordics", "americas", "global"]
)
