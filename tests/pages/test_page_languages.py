"""The pages and the JSON API in the six UN languages, over real HTTP (a real uvicorn on the corpus
store): the language chosen by ?lang=, the cookie and Accept-Language; Arabic right to left; a
label without a text in the page's language shown in another one with a visible mark; audit
messages in the reader's language; titles in every language the graph has."""

from __future__ import annotations

import re

import httpx
import pytest

from itukg.api.pages.i18n import LANGS, accepted, pick_lang
from itukg.messages import language_name, text_direction

HTML = {"accept": "text/html"}
SIX = {"ar", "en", "es", "fr", "ru", "zh"}
# A word of the navigation in each language, from its catalogue (the "Trace" link).
TRACE = {"en": "Trace", "ar": "التتبع", "es": "Trazabilidad", "fr": "Traçabilité",
         "ru": "Трассировка", "zh": "追溯"}


@pytest.fixture
def client(live_pages):
    with httpx.Client(base_url=live_pages.url, timeout=60, headers=HTML) as c:
        yield c


def _html_tag(text: str) -> str:
    m = re.search(r"<html[^>]*>", text)
    assert m, text[:200]
    return m.group(0)


# -- unit ---------------------------------------------------------------------------------------
def test_the_interface_languages_are_the_six_catalogues():
    assert set(LANGS) == SIX and LANGS[0] == "en"
    assert text_direction("ar") == "rtl" and {text_direction(lg) for lg in SIX - {"ar"}} == {"ltr"}
    assert text_direction("xx-unknown") == "ltr"
    assert language_name("ar") == "العربية" and language_name("fr") == "français"


def test_accept_language_is_read_by_weight_and_falls_back():
    assert accepted("de-CH, fr;q=0.8, ar;q=0.9, *;q=0.1, ru;q=0") == ["de-ch", "ar", "fr", "*"]
    assert accepted("fr;q=abc, es") == ["es"]  # a malformed weight is not a wish
    assert pick_lang({}, {}, "de-CH, fr;q=0.8, ar;q=0.9") == "ar"
    assert pick_lang({}, {}, "pt-BR, es-419;q=0.7") == "es"
    assert pick_lang({}, {}, "ru-RU") == "ru"
    assert pick_lang({}, {}, "de, nl;q=0.5") == "en"  # nothing we speak: the source language
    assert pick_lang({}, {}, "") == "en" and pick_lang({}, {}, None) == "en"
    assert pick_lang({"lang": "ar"}, {"itukg_lang": "fr"}, "ru") == "ar"  # ?lang= first
    assert pick_lang({}, {"itukg_lang": "fr"}, "ru") == "fr"  # then the cookie


# -- over HTTP -----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", sorted(SIX))
def test_every_language_answers_with_its_words(client, lang):
    r = client.get("/", params={"lang": lang})
    assert r.status_code == 200 and r.headers["content-language"] == lang
    tag = _html_tag(r.text)
    assert f'lang="{lang}"' in tag
    assert ('dir="rtl"' in tag) == (lang == "ar")
    assert f">{TRACE[lang]}</a>" in r.text
    assert f"itukg_lang={lang}" in r.headers["set-cookie"]  # remembered


def test_arabic_pages_are_right_to_left_and_keep_the_diagram_left_to_right(client):
    for path in ("/coverage", "/coverage/wsis", "/audit", "/trace?focus=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F9"):
        r = client.get(path + ("&" if "?" in path else "?") + "lang=ar")
        assert r.status_code == 200, path
        assert 'dir="rtl"' in _html_tag(r.text), path
    css = client.get("/static/style.css").text
    assert re.search(r"\.svg-wrap, svg\.trace \{ direction: ltr; \}", css)
    assert "unicode-bidi: plaintext" in css
    # no physical left/right left in the layout rules: they would not mirror
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    physical = [m.group(0) for m in re.finditer(r"(margin|padding|border)-(left|right)[^;]*|"
                                                r"text-align: (left|right)|\b(left|right): -?\d", rules)]
    assert physical == ["text-align: left"], physical  # only code/IRIs inside an rtl page


def test_the_cookie_chooses_the_language(client):
    client.cookies.set("itukg_lang", "fr")
    r = client.get("/coverage")
    assert 'lang="fr"' in _html_tag(r.text) and ">Traçabilité</a>" in r.text
    assert "Couverture des ODD" in r.text


def test_accept_language_chooses_and_falls_back(client):
    r = client.get("/", headers={"accept-language": "de-CH, ru;q=0.8"})
    assert 'lang="ru"' in _html_tag(r.text) and ">Трассировка</a>" in r.text
    r = client.get("/", headers={"accept-language": "de-CH, nl;q=0.8"})
    assert 'lang="en"' in _html_tag(r.text) and ">Trace</a>" in r.text


def test_sdg_titles_in_the_page_language_and_a_visible_mark_on_a_fallback(client):
    fr = client.get("/coverage", params={"lang": "fr"}).text
    assert 'title="Pas de pauvreté" data-goal="1"' in fr  # the goal's short name, in French
    fr1 = client.get("/coverage", params={"lang": "fr", "goal": "1"}).text
    assert '<p class="goal-name">Pas de pauvreté</p>' in fr1
    assert 'title="D’ici à 2030, éliminer complètement l’extrême pauvreté' in fr1  # target 1.1
    ar = client.get("/coverage/wsis", params={"lang": "ar"}).text
    # WSIS action lines have no Arabic title in any source: English, marked as such
    marks = re.findall(r'<span lang="en" dir="auto">([^<]+)</span><small class="lang-mark" '
                       r'lang="en" title="English">\[en\]</small>', ar)
    assert marks, "no marked English fallback on the Arabic WSIS page"
    assert "لا فقر" in ar  # goal 1 (its short name) in Arabic, unmarked
    assert not re.search(r'lang-mark" lang="ar"', ar)


def test_audit_messages_in_the_readers_language(client):
    fr = client.get("/audit", params={"lang": "fr"}).text
    assert "Case d'initiative régionale vide" in fr or "Case d&#39;initiative régionale vide" in fr
    ru = client.get("/audit", params={"lang": "ru"}).text
    assert "Пустое поле региональной инициативы" in ru


def test_json_titles_in_every_language_the_graph_has(client):
    cov = client.get("/api/coverage", headers={"accept": "application/json"}).json()
    for goal in cov["goals"]:
        assert set(goal["title"]) == SIX, goal["code"]
    sdg = client.get("/api/sdg/9.c", headers={"accept": "application/json"}).json()
    assert set(sdg["title"]) == SIX and sdg["title"]["ar"]
