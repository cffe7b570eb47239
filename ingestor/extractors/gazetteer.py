"""A small gazetteer: major cities and countries, by their English, Russian, German, French and
Spanish names, mapped to one canonical English name. It is data for the signature parser's
location guess, deliberately modest: ambiguous names (Paris as a surname is fine, "Nice", "Mobile",
"Reading") are left out rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# canonical English name: other spellings (any language, lower-case not required)
_COUNTRIES: dict[str, str] = {
    "Germany": "Deutschland|Германия|Allemagne|Alemania|DE|GER",
    "Russia": "Russian Federation|Россия|РФ|Российская Федерация|Russland|Russie|Rusia",
    "France": "Франция|Frankreich|Francia",
    "Spain": "España|Испания|Spanien|Espagne",
    "United Kingdom": "UK|U.K.|Great Britain|England|Scotland|Великобритания|Англия"
    "|Vereinigtes Königreich|Großbritannien|Royaume-Uni|Reino Unido",
    "United States": "USA|U.S.A.|US|United States of America|США|Vereinigte Staaten"
    "|États-Unis|Etats-Unis|Estados Unidos|EE. UU.|EEUU",
    "Austria": "Österreich|Австрия|Autriche",
    "Switzerland": "Schweiz|Suisse|Svizzera|Швейцария|Suiza",
    "Netherlands": "The Netherlands|Holland|Nederland|Нидерланды|Niederlande|Pays-Bas|Países Bajos",
    "Belgium": "Belgique|België|Belgien|Бельгия|Bélgica",
    "Italy": "Italia|Италия|Italien|Italie",
    "Portugal": "Португалия",
    "Poland": "Polska|Польша|Polen|Pologne|Polonia",
    "Czech Republic": "Czechia|Česko|Чехия|Tschechien|République tchèque|República Checa",
    "Sweden": "Sverige|Швеция|Schweden|Suède|Suecia",
    "Norway": "Norge|Норвегия|Norwegen|Norvège|Noruega",
    "Denmark": "Danmark|Дания|Dänemark|Danemark|Dinamarca",
    "Finland": "Suomi|Финляндия|Finnland|Finlande|Finlandia",
    "Ireland": "Éire|Ирландия|Irland|Irlande|Irlanda",
    "Kazakhstan": "Казахстан|Kasachstan",
    "Belarus": "Беларусь|Белоруссия|Weißrussland|Biélorussie|Bielorrusia",
    "Ukraine": "Украина|Ucrania",
    "Serbia": "Србија|Сербия|Serbien|Serbie",
    "Georgia": "Грузия|Georgien|Géorgie",
    "Armenia": "Армения|Armenien|Arménie",
    "Turkey": "Türkiye|Турция|Türkei|Turquie|Turquía",
    "Israel": "Израиль",
    "United Arab Emirates": "UAE|ОАЭ|Vereinigte Arabische Emirate|Émirats arabes unis",
    "India": "Индия|Indien|Inde",
    "Singapore": "Сингапур|Singapur|Singapour",
    "Canada": "Канада|Kanada",
    "Mexico": "México|Мексика|Mexiko|Mexique",
    "Argentina": "Аргентина|Argentinien|Argentine",
    "Brazil": "Brasil|Бразилия|Brasilien|Brésil",
    "Cyprus": "Кипр|Zypern|Chypre|Chipre",
    "Luxembourg": "Люксембург|Luxemburg|Luxemburgo",
}

# canonical city: (canonical country, other spellings)
_CITIES: dict[str, tuple[str, str]] = {
    "Berlin": ("Germany", "Берлин|Berlín"),
    "Munich": ("Germany", "München|Muenchen|Мюнхен|Munich|Múnich"),
    "Hamburg": ("Germany", "Гамбург|Hambourg|Hamburgo"),
    "Frankfurt": ("Germany", "Frankfurt am Main|Frankfurt a. M.|Франкфурт|Francfort|Fráncfort"),
    "Cologne": ("Germany", "Köln|Koeln|Кёльн|Колонь|Colonia"),
    "Stuttgart": ("Germany", "Штутгарт"),
    "Düsseldorf": ("Germany", "Duesseldorf|Dusseldorf|Дюссельдорф"),
    "Leipzig": ("Germany", "Лейпциг"),
    "Dresden": ("Germany", "Дрезден|Dresde"),
    "Moscow": ("Russia", "Москва|г. Москва|Moskau|Moscou|Moscú|Moskva"),
    "Saint Petersburg": (
        "Russia",
        "St. Petersburg|St Petersburg|Санкт-Петербург|СПб|Sankt Petersburg|Saint-Pétersbourg"
        "|San Petersburgo",
    ),
    "Novosibirsk": ("Russia", "Новосибирск"),
    "Yekaterinburg": ("Russia", "Ekaterinburg|Екатеринбург|Jekaterinburg"),
    "Kazan": ("Russia", "Казань|Kasan"),
    "Nizhny Novgorod": ("Russia", "Нижний Новгород|Nischni Nowgorod"),
    "Paris": ("France", "Париж"),
    "Lyon": ("France", "Лион|Lyons"),
    "Marseille": ("France", "Марсель|Marseilles|Marsella"),
    "Toulouse": ("France", "Тулуза"),
    "Bordeaux": ("France", "Бордо|Burdeos"),
    "Lille": ("France", "Лилль"),
    "Madrid": ("Spain", "Мадрид"),
    "Barcelona": ("Spain", "Барселона|Barcelone"),
    "Valencia": ("Spain", "Валенсия|Valence"),
    "Seville": ("Spain", "Sevilla|Севилья|Séville"),
    "Bilbao": ("Spain", "Бильбао"),
    "Málaga": ("Spain", "Malaga|Малага"),
    "London": ("United Kingdom", "Лондон|Londres"),
    "Manchester": ("United Kingdom", "Манчестер"),
    "Edinburgh": ("United Kingdom", "Эдинбург|Édimbourg|Edimburgo"),
    "Birmingham": ("United Kingdom", "Бирмингем"),
    "New York": ("United States", "New York City|NYC|Нью-Йорк|Nueva York"),
    "San Francisco": ("United States", "Сан-Франциско|SF"),
    "Boston": ("United States", "Бостон"),
    "Chicago": ("United States", "Чикаго"),
    "Seattle": ("United States", "Сиэтл"),
    "Austin": ("United States", "Остин"),
    "Los Angeles": ("United States", "Лос-Анджелес|LA"),
    "Vienna": ("Austria", "Wien|Вена|Vienne|Viena"),
    "Zurich": ("Switzerland", "Zürich|Цюрих|Zúrich"),
    "Geneva": ("Switzerland", "Genève|Genf|Женева|Ginebra"),
    "Amsterdam": ("Netherlands", "Амстердам|Ámsterdam"),
    "Brussels": ("Belgium", "Bruxelles|Brüssel|Брюссель|Bruselas"),
    "Milan": ("Italy", "Milano|Милан|Mailand|Milán"),
    "Rome": ("Italy", "Roma|Рим|Rom"),
    "Lisbon": ("Portugal", "Lisboa|Лиссабон|Lissabon|Lisbonne"),
    "Warsaw": ("Poland", "Warszawa|Варшава|Warschau|Varsovie|Varsovia"),
    "Prague": ("Czech Republic", "Praha|Прага|Prag|Praga"),
    "Stockholm": ("Sweden", "Стокгольм|Estocolmo"),
    "Copenhagen": ("Denmark", "København|Копенгаген|Kopenhagen|Copenhague"),
    "Helsinki": ("Finland", "Хельсинки|Helsingfors"),
    "Dublin": ("Ireland", "Дублин|Dublín"),
    "Almaty": ("Kazakhstan", "Алматы|Алма-Ата"),
    "Astana": ("Kazakhstan", "Астана"),
    "Minsk": ("Belarus", "Минск"),
    "Kyiv": ("Ukraine", "Kiev|Киев|Київ|Kiew"),
    "Belgrade": ("Serbia", "Beograd|Белград|Belgrad|Belgrado"),
    "Tbilisi": ("Georgia", "Тбилиси|Tiflis"),
    "Yerevan": ("Armenia", "Ереван|Eriwan|Erevan"),
    "Istanbul": ("Turkey", "İstanbul|Стамбул|Estambul"),
    "Tel Aviv": ("Israel", "Тель-Авив"),
    "Dubai": ("United Arab Emirates", "Дубай|Dubái"),
    "Bangalore": ("India", "Bengaluru|Бангалор"),
    "Toronto": ("Canada", "Торонто"),
    "Limassol": ("Cyprus", "Лимассол"),
}


# Canonical country → ISO 3166 region, to read a signature's national phone numbers.
COUNTRY_REGION = {
    "Germany": "DE", "Russia": "RU", "France": "FR", "Spain": "ES", "United Kingdom": "GB",
    "United States": "US", "Austria": "AT", "Switzerland": "CH", "Netherlands": "NL",
    "Belgium": "BE", "Italy": "IT", "Portugal": "PT", "Poland": "PL", "Czech Republic": "CZ",
    "Sweden": "SE", "Norway": "NO", "Denmark": "DK", "Finland": "FI", "Ireland": "IE",
    "Kazakhstan": "KZ", "Belarus": "BY", "Ukraine": "UA", "Serbia": "RS", "Georgia": "GE",
    "Armenia": "AM", "Turkey": "TR", "Israel": "IL", "United Arab Emirates": "AE", "India": "IN",
    "Singapore": "SG", "Canada": "CA", "Mexico": "MX", "Argentina": "AR", "Brazil": "BR",
    "Cyprus": "CY", "Luxembourg": "LU",
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    city: str | None
    country: str | None


def _fold(name: str) -> str:
    return " ".join(name.casefold().replace("ё", "е").split())


def _build() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    countries: dict[str, str] = {}
    for canonical, aliases in _COUNTRIES.items():
        for alias in (canonical, *aliases.split("|")):
            countries[_fold(alias)] = canonical
    cities: dict[str, tuple[str, str]] = {}
    for canonical, (country, aliases) in _CITIES.items():
        for alias in (canonical, *aliases.split("|")):
            cities[_fold(alias)] = (canonical, country)
    return countries, cities


COUNTRY_NAMES, CITY_NAMES = _build()
_FIRST_WORDS = frozenset(name.split()[0].rstrip(".") for name in (*COUNTRY_NAMES, *CITY_NAMES))
# Short aliases that are also ordinary words or initials count only when written in capitals.
_CASE_SENSITIVE = frozenset({"de", "us", "la", "sf", "uk", "ger", "рф", "спб", "nyc", "uae"})
_WORD = re.compile(r"[^\W\d_][^\W\d_.'-]*(?:[.'-][^\W\d_]+)*\.?", re.UNICODE)
_MAX_NGRAM = 4


@lru_cache(maxsize=4096)  # signature lines are looked at more than once
def find_place(line: str) -> Place | None:
    """The first city and/or country named in `line`, by canonical English name."""
    words = [(m.group(0), m.start()) for m in _WORD.finditer(line)]
    if not any(_fold(w).rstrip(".") in _FIRST_WORDS for w, _ in words):
        return None
    city: tuple[str, str] | None = None
    country: str | None = None
    i = 0
    while i < len(words):
        for size in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
            chunk = [w for w, _ in words[i : i + size]]
            raw = " ".join(chunk)
            key = _fold(raw)
            if key in _CASE_SENSITIVE and not raw.isupper():
                continue
            if city is None and key in CITY_NAMES:
                city = CITY_NAMES[key]
                i += size - 1
                break
            if country is None and key.rstrip(".") in COUNTRY_NAMES:
                country = COUNTRY_NAMES[key.rstrip(".")]
                i += size - 1
                break
        i += 1
    if city is None and country is None:
        return None
    if city is not None:
        # The city's own country wins over a mismatching one ("Paris, TX" is not in scope).
        return Place(city[0], city[1])
    return Place(None, country)
