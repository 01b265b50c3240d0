"""French and German as a procurement officer writes them: one word per concept, as the glossary at the top of
each catalogue says, the terms of Directive 2014/24/EU, and each language's typography.

These checks read every message, so a new message that strays from the glossary fails here too.
"""

from __future__ import annotations

import re

import pytest

from tests.bigbuyers.test_translations import Entry, messages, po_path

NBSP = "\u00a0"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w+\}")

# An English term in a message means the glossary's translation is in the translated message (case ignored).
GLOSSARY = {
    "fr": [
        (r"\bcontracting authorit(y|ies)\b", r"pouvoirs? adjudicateurs?"),
        (r"\bcentral purchasing bod(y|ies)\b", r"centrales? d'achat"),
        (r"\bbod(y|ies) governed by public law\b", r"organismes? de droit public"),
        (r"\bregional authorit", r"autorités? régionales?"),
        (r"\blocal authorit", r"autorités? (régionales? (et|ou) )?locales?"),
        (r"\bsign(s|ing)? (you )?in\b|\bsign-in\b|\bsigned in\b", r"connect|connexion"),
        (r"\bregist(er|ered|ration|rations)\b", r"inscri"),
        (r"\bsubscri|\bunsubscri", r"abonn"),
        (r"\bcommunit(y|ies)\b", r"communautés?"),
        (r"\bworking groups?\b", r"groupes? de travail"),
        (r"\bObserver Group\b", r"groupe d'observateurs"),
        (r"\bdeadlines?\b", r"dates? limites?"),
    ],
    "de": [
        (r"\bcontracting authorit(y|ies)\b", r"öffentliche[rn]? Auftraggeber"),
        (r"\bcentral purchasing bod(y|ies)\b", r"zentrale[n]? Beschaffungsstelle"),
        (r"\bbod(y|ies) governed by public law\b", r"Einrichtung(en)? des öffentlichen Rechts"),
        (r"\bregional authorit|\blocal authorit|\bregional (and|or) local authorities", r"Gebietskörperschaft"),
        (r"\bsign(s|ing)? (you )?in\b|\bsign-in\b|\bsigned in\b",
         r"anmeld|anzumelden|angemeldet|meldet Sie|melden? (Sie )?sich\b.* an\b"),
        (r"\bregist(er|ered|ration|rations)\b", r"anmeld|angemeldet"),
        (r"\bsubscri|\bunsubscri", r"abonn|abbestell"),
        (r"\bcommunit(y|ies)\b", r"gemeinschaft"),
        (r"\bworking groups?\b", r"Arbeitsgruppe"),
        (r"\bObserver Group\b", r"Beobachtergruppe"),
        (r"\bdeadlines?\b", r"Frist"),
    ],
}

# Words the glossary rules out, with the reason a reader trips on them.
RULED_OUT = {
    "fr": [
        (r"Votre pays \(", "the outcome names the country given: « Le pays indiqué (…) »"),
        (r"[Ss]uiveur", "the Follower role is « membre associé »"),
        (r"département d'État", "a state department is « un service de l'État »"),
        (r"autorité conjointe", "a joint authority is « un syndicat mixte »"),
        (r"[Ii]nviter (des|un) invité", "« inviter des personnes extérieures »"),
        (r"[Hh]eure de la campagne", "campaign time is the campaign's time zone"),
        (r"les plus partagés", "« partagés » means divided or posted"),
        (r"ne plus envoyer les courriels", "the person stops receiving the e-mails"),
        (r"fils? de discussion", "a thread is « une discussion »"),
        (r"[Cc]ommunautés? de pratique.{0,40} (est|sont) ouvertes?\b|communautés? (est|sont) ouvertes? ;",
         "a community that starts « est lancée »"),
        (r"^(A-t-il|A-t-elle|Est-il|Est-elle)\b", "the public-law questions ask « L'organisme a-t-il… »"),
        (r"\bp\. ex\.", "“e.g.” is « par exemple »"),
    ],
    "de": [
        (r"(regionale|lokale)[rn]? Behörde", "regional and local authorities are Gebietskörperschaften"),
        (r"Nicht sicher|oder nicht sicher$", "“Not sure” is „Weiß nicht“"),
        (r"Nachfragebild", "the demand picture is the „Nachfrageübersicht“"),
        (r"gierig", "the greedy baseline is the „Greedy-Heuristik“"),
        (r"häufigsten geteilt", "„geteilt“ means divided or posted"),
        (r"\bbis %\((deadline|until)\)s", "„bis zum“ before a date"),
        (r"Mitglied für %\(", "„Sie vertreten darin …“"),
        (r"Umfrage ist geschlossen", "a survey that ended is „beendet“"),
        (r"(?<!Optimalitäts)\bLücke\b|\bbediente\b", "the solver's gap and placed bodies: Optimalitätslücke, zugeordnet"),
        (r"[:;] Sie (erhalten eine E-Mail und können Ihre Anfrage|werden versandt)|übersprungen: (Er|Sie) ",
         "“they” at the start of a sentence is „Diese …“"),
    ],
}


def _source(entry: Entry) -> str:
    return PLACEHOLDER.sub("", entry.msgid + " " + (entry.msgid_plural or ""))


@pytest.mark.parametrize("language", ["fr", "de"])
def test_each_catalogue_starts_with_its_glossary(language: str) -> None:
    top = po_path(language).read_text(encoding="utf-8").split('msgid ""', 1)[0]
    assert ("GLOSSARY" if language == "fr" else "GLOSSAR") in top
    for term in ("contracting authority", "central purchasing body", "body governed by public law",
                 "regional / local authority", "sign in", "register for an event", "subscribe", "community",
                 "working group", "Observer Group", "deadline"):
        assert term in top, f"the {language} glossary does not say how to write “{term}”"


@pytest.mark.parametrize("language", ["fr", "de"])
def test_key_terms_are_written_as_the_glossary_says(language: str) -> None:
    strays = [
        (entry.msgid, form)
        for entry in messages(language)
        for english, translated in GLOSSARY[language]
        if re.search(english, _source(entry), flags=re.I)
        for form in entry.msgstr.values()
        if not re.search(translated, form, flags=re.I)
    ]
    assert not strays, strays[:5]


@pytest.mark.parametrize("language", ["fr", "de"])
def test_words_the_glossary_rules_out_are_gone(language: str) -> None:
    found = [(why, form) for entry in messages(language) for form in entry.msgstr.values()
             for pattern, why in RULED_OUT[language] if re.search(pattern, form)]
    assert not found, found[:5]


def test_french_date_fields_are_named_date_de() -> None:
    """“Created at” is « date de création »: a participle + « le » disagrees with half of the models' genders."""
    wrong = [(e.msgid, e.msgstr[0]) for e in messages("fr")
             if re.search(r"\b(at|on)$", e.msgid) and re.search(r" le$", e.msgstr[0])
             and not e.msgstr[0].lower().startswith("membre depuis")]
    assert not wrong, wrong


def test_french_punctuation_keeps_its_non_breaking_spaces() -> None:
    wrong = []
    for entry in messages("fr"):
        for form in entry.msgstr.values():
            text = re.sub(r"(https?|mailto):|::", "", form)  # addresses and XLSForm columns such as label::French
            if re.search(r"(?<=[^\u00a0\u202f])[;?!»](?!=)|(?<=[^\u00a0\u202f\d]):|«(?=[^\u00a0\u202f])", text):  # not !=
                wrong.append(form)
            if re.search(r"(%\(\w+\)s|\d) (€|%|s\b)", form):
                wrong.append(form)
    assert not wrong, wrong[:5]


def test_german_quotes_and_abbreviations() -> None:
    wrong = []
    for entry in messages("de"):
        for form in entry.msgstr.values():
            text = re.sub(r'href="[^"]*"', "", form)
            if '"' in text or "«" in text or "»" in text or text.count("„") != text.count("“"):
                wrong.append(form)
            if re.search(r"\bz\. B\.|\b(Art|Abs|Nr)\. \d|(%\(\w+\)s|\d) (€|%)", form):
                wrong.append(form)
    assert not wrong, wrong[:5]
