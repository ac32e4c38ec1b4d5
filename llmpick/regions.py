"""Where a user operates, for licences' regional terms: ISO 3166-1 alpha-2 codes and 'eu'.

Sources: the ISO 3166-1 codes and short names as Debian's iso-codes package records them
(data/iso_3166-1.json at commit a9e9e31918072b9277ee67734b9e3301855dbbf9, 2026-07-20;
https://salsa.debian.org/iso-codes-team/iso-codes), with the common name where it gives one
("South Korea" for "Korea, Republic of"); the 27 member states of the European Union from
https://europa.eu/european-union/about-eu/countries_en ("The United Kingdom withdrew from the
European Union on 31 January 2020").
"""

from collections.abc import Iterable

from llmpick.errors import did_you_mean

COUNTRIES: dict[str, str] = {
    "ad": "Andorra", "ae": "United Arab Emirates", "af": "Afghanistan",
    "ag": "Antigua and Barbuda", "ai": "Anguilla", "al": "Albania", "am": "Armenia",
    "ao": "Angola", "aq": "Antarctica", "ar": "Argentina", "as": "American Samoa", "at": "Austria",
    "au": "Australia", "aw": "Aruba", "ax": "Åland Islands", "az": "Azerbaijan",
    "ba": "Bosnia and Herzegovina", "bb": "Barbados", "bd": "Bangladesh", "be": "Belgium",
    "bf": "Burkina Faso", "bg": "Bulgaria", "bh": "Bahrain", "bi": "Burundi", "bj": "Benin",
    "bl": "Saint Barthélemy", "bm": "Bermuda", "bn": "Brunei Darussalam", "bo": "Bolivia",
    "bq": "Bonaire, Sint Eustatius and Saba", "br": "Brazil", "bs": "Bahamas", "bt": "Bhutan",
    "bv": "Bouvet Island", "bw": "Botswana", "by": "Belarus", "bz": "Belize", "ca": "Canada",
    "cc": "Cocos (Keeling) Islands", "cd": "Congo, The Democratic Republic of the",
    "cf": "Central African Republic", "cg": "Congo", "ch": "Switzerland", "ci": "Côte d'Ivoire",
    "ck": "Cook Islands", "cl": "Chile", "cm": "Cameroon", "cn": "China", "co": "Colombia",
    "cr": "Costa Rica", "cu": "Cuba", "cv": "Cabo Verde", "cw": "Curaçao",
    "cx": "Christmas Island", "cy": "Cyprus", "cz": "Czechia", "de": "Germany", "dj": "Djibouti",
    "dk": "Denmark", "dm": "Dominica", "do": "Dominican Republic", "dz": "Algeria",
    "ec": "Ecuador", "ee": "Estonia", "eg": "Egypt", "eh": "Western Sahara", "er": "Eritrea",
    "es": "Spain", "et": "Ethiopia", "fi": "Finland", "fj": "Fiji",
    "fk": "Falkland Islands (Malvinas)", "fm": "Micronesia, Federated States of",
    "fo": "Faroe Islands", "fr": "France", "ga": "Gabon", "gb": "United Kingdom", "gd": "Grenada",
    "ge": "Georgia", "gf": "French Guiana", "gg": "Guernsey", "gh": "Ghana", "gi": "Gibraltar",
    "gl": "Greenland", "gm": "Gambia", "gn": "Guinea", "gp": "Guadeloupe",
    "gq": "Equatorial Guinea", "gr": "Greece",
    "gs": "South Georgia and the South Sandwich Islands", "gt": "Guatemala", "gu": "Guam",
    "gw": "Guinea-Bissau", "gy": "Guyana", "hk": "Hong Kong",
    "hm": "Heard Island and McDonald Islands", "hn": "Honduras", "hr": "Croatia", "ht": "Haiti",
    "hu": "Hungary", "id": "Indonesia", "ie": "Ireland", "il": "Israel", "im": "Isle of Man",
    "in": "India", "io": "British Indian Ocean Territory", "iq": "Iraq", "ir": "Iran",
    "is": "Iceland", "it": "Italy", "je": "Jersey", "jm": "Jamaica", "jo": "Jordan", "jp": "Japan",
    "ke": "Kenya", "kg": "Kyrgyzstan", "kh": "Cambodia", "ki": "Kiribati", "km": "Comoros",
    "kn": "Saint Kitts and Nevis", "kp": "North Korea", "kr": "South Korea", "kw": "Kuwait",
    "ky": "Cayman Islands", "kz": "Kazakhstan", "la": "Laos", "lb": "Lebanon", "lc": "Saint Lucia",
    "li": "Liechtenstein", "lk": "Sri Lanka", "lr": "Liberia", "ls": "Lesotho", "lt": "Lithuania",
    "lu": "Luxembourg", "lv": "Latvia", "ly": "Libya", "ma": "Morocco", "mc": "Monaco",
    "md": "Moldova", "me": "Montenegro", "mf": "Saint Martin (French part)", "mg": "Madagascar",
    "mh": "Marshall Islands", "mk": "North Macedonia", "ml": "Mali", "mm": "Myanmar",
    "mn": "Mongolia", "mo": "Macao", "mp": "Northern Mariana Islands", "mq": "Martinique",
    "mr": "Mauritania", "ms": "Montserrat", "mt": "Malta", "mu": "Mauritius", "mv": "Maldives",
    "mw": "Malawi", "mx": "Mexico", "my": "Malaysia", "mz": "Mozambique", "na": "Namibia",
    "nc": "New Caledonia", "ne": "Niger", "nf": "Norfolk Island", "ng": "Nigeria",
    "ni": "Nicaragua", "nl": "Netherlands", "no": "Norway", "np": "Nepal", "nr": "Nauru",
    "nu": "Niue", "nz": "New Zealand", "om": "Oman", "pa": "Panama", "pe": "Peru",
    "pf": "French Polynesia", "pg": "Papua New Guinea", "ph": "Philippines", "pk": "Pakistan",
    "pl": "Poland", "pm": "Saint Pierre and Miquelon", "pn": "Pitcairn", "pr": "Puerto Rico",
    "ps": "Palestine, State of", "pt": "Portugal", "pw": "Palau", "py": "Paraguay", "qa": "Qatar",
    "re": "Réunion", "ro": "Romania", "rs": "Serbia", "ru": "Russian Federation", "rw": "Rwanda",
    "sa": "Saudi Arabia", "sb": "Solomon Islands", "sc": "Seychelles", "sd": "Sudan",
    "se": "Sweden", "sg": "Singapore", "sh": "Saint Helena, Ascension and Tristan da Cunha",
    "si": "Slovenia", "sj": "Svalbard and Jan Mayen", "sk": "Slovakia", "sl": "Sierra Leone",
    "sm": "San Marino", "sn": "Senegal", "so": "Somalia", "sr": "Suriname", "ss": "South Sudan",
    "st": "Sao Tome and Principe", "sv": "El Salvador", "sx": "Sint Maarten (Dutch part)",
    "sy": "Syria", "sz": "Eswatini", "tc": "Turks and Caicos Islands", "td": "Chad",
    "tf": "French Southern Territories", "tg": "Togo", "th": "Thailand", "tj": "Tajikistan",
    "tk": "Tokelau", "tl": "Timor-Leste", "tm": "Turkmenistan", "tn": "Tunisia", "to": "Tonga",
    "tr": "Türkiye", "tt": "Trinidad and Tobago", "tv": "Tuvalu", "tw": "Taiwan", "tz": "Tanzania",
    "ua": "Ukraine", "ug": "Uganda", "um": "United States Minor Outlying Islands",
    "us": "United States", "uy": "Uruguay", "uz": "Uzbekistan",
    "va": "Holy See (Vatican City State)", "vc": "Saint Vincent and the Grenadines",
    "ve": "Venezuela", "vg": "Virgin Islands, British", "vi": "Virgin Islands, U.S.",
    "vn": "Vietnam", "vu": "Vanuatu", "wf": "Wallis and Futuna", "ws": "Samoa", "ye": "Yemen",
    "yt": "Mayotte", "za": "South Africa", "zm": "Zambia", "zw": "Zimbabwe",
}  # fmt: skip

EU_MEMBERS = frozenset(
    {
        "be", "fr", "de", "it", "lu", "nl",  # 1958
        "dk", "ie",  # 1973
        "gr",  # 1981
        "pt", "es",  # 1986
        "at", "fi", "se",  # 1995
        "cy", "cz", "ee", "hu", "lv", "lt", "mt", "pl", "sk", "si",  # 2004
        "bg", "ro",  # 2007
        "hr",  # 2013
    }
)  # fmt: skip

# 'uk' is reserved in ISO 3166-1 for the United Kingdom, whose code is 'gb'.
ALIASES = {"uk": "gb", "european union": "eu"}


def region_code(text: str) -> str | None:
    """'DE', 'Germany', 'uk', 'EU' -> 'de', 'de', 'gb', 'eu'; None when it names no region."""
    key = " ".join(text.lower().split())
    if key == "eu" or key in COUNTRIES:
        return key
    if key in ALIASES:
        return ALIASES[key]
    return next((code for code, name in COUNTRIES.items() if name.lower() == key), None)


def region_hint(text: str) -> str:
    """What to give instead of an unknown region."""
    names = {name.lower(): code for code, name in COUNTRIES.items()}
    close = did_you_mean(text.strip().lower(), names, "", n=3, cutoff=0.6)
    if close:
        picks = close.removeprefix("did you mean: ").split(", ")
        return "did you mean: " + ", ".join(f"{names[p]} ({COUNTRIES[names[p]]})" for p in picks)
    return "give an ISO 3166-1 alpha-2 country code (de, gb, kr, us...) or eu"


def place(code: str) -> str:
    """'the EU', 'Germany (de)'."""
    return "the EU" if code == "eu" else f"{COUNTRIES.get(code, code)} ({code})"


def restricted_in(region: str, restricted: Iterable[str]) -> str | None:
    """Where a licence that restricts `restricted` regions binds a user in `region`, said for
    people: 'the EU, of which Germany (de) is a member', 'United Kingdom (gb)'; None if nowhere.
    A member state is covered by 'eu'; 'eu' by any member state named (the EU includes it)."""
    for entry in restricted:
        if entry == region:
            return place(entry)
        if entry == "eu" and region in EU_MEMBERS:
            return f"the EU, of which {place(region)} is a member"
        if region == "eu" and entry in EU_MEMBERS:
            return f"{place(entry)}, a member of the EU"
    return None
