"""The search page: a form, and each match with its words marked and a link to it."""
import re

import pytest

from tests.conftest import logged_in, main_of, post_message


def results_of(response):
    """[(href, text with <mark> kept)] of each result on the page."""
    found = re.findall(r'<li class="search-result">\s*<a href="([^"]+)">(.*?)</a>', main_of(response), re.S)
    return [(href, re.sub(r"\s+", " ", re.sub(r"<(?!/?mark>)[^>]+>", " ", inner)).strip()) for href, inner in found]


def test_the_page_shows_each_match_with_its_words_marked_and_a_link_to_it(app, alice, bob, general):
    post_message(app, general, alice, "lunch at noon")
    post_message(app, general, bob, "we are deploying the lander")
    response = logged_in(app, alice).get("/search?q=deploy+lander")
    assert response.status_code == 200
    ((href, shown),) = results_of(response)
    assert href == f"/rooms/{general}/messages/2"
    assert "<mark>deploying</mark> the <mark>lander</mark>" in shown
    assert shown.startswith("general bob ")


def test_html_in_a_message_is_shown_as_text(app, alice, general):
    post_message(app, general, alice, "<script>alert(1)</script> deploy <img src=x onerror=alert(2)>")
    page = main_of(logged_in(app, alice).get("/search?q=deploy"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>deploy</mark> &lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script>" not in page and "<img" not in page


def test_with_no_words_yet_the_page_is_the_empty_form(app, alice, general):
    for url in ("/search", "/search?q=", "/search?q=+++&room="):
        response = logged_in(app, alice).get(url)
        assert response.status_code == 200
        page = main_of(response)
        assert '<input type="search" id="q" name="q"' in page
        assert "every word you type" in page and "search-result" not in page


def test_no_match_says_so(app, alice, general):
    post_message(app, general, alice, "lunch at noon")
    page = main_of(logged_in(app, alice).get("/search?q=deploy"))
    assert "No messages in your rooms match “deploy”." in page


@pytest.mark.parametrize("query, status, message", [
    ("q=!!!", 400, "Search for words: letters or digits, not only punctuation."),
    ("q=" + "x" * 201, 400, "Search for at most 200 characters."),
    ("q=deploy&offset=-1", 400, "&#39;offset&#39; must be a whole number from 0 to 10000."),
    ("q=deploy&room=abc", 400, "&#39;room&#39; must be a whole number from 1 to 2147483647."),
    ("q=deploy&room=999", 404, "There is no such room, or you are not in it."),
])
def test_bad_input_shows_the_form_again_saying_what_is_wrong(app, alice, general, query, status, message):
    response = logged_in(app, alice).get("/search?" + query)
    assert response.status_code == status
    page = main_of(response)
    assert f'<ul class="errors" id="q-errors"><li>{message}</li></ul>' in page
    assert 'aria-invalid="true"' in page and "search-result" not in page


def test_the_room_filter_offers_my_rooms_and_keeps_to_the_one_chosen(app, alice, general, secret):
    post_message(app, general, alice, "deploy in general")
    post_message(app, secret, alice, "deploy in secret")
    response = logged_in(app, alice).get(f"/search?q=deploy&room={secret}")
    assert [href for href, _ in results_of(response)] == [f"/rooms/{secret}/messages/1"]
    page = main_of(response)
    assert f'<option value="{secret}" selected>secret</option>' in page
    assert f'<option value="{general}">general</option>' in page


def test_a_private_room_i_am_not_in_shows_nothing_on_the_page(app, alice, mallory, secret):
    post_message(app, secret, alice, "deploy xylophone")
    client = logged_in(app, mallory)
    found = client.get("/search?q=xylophone")
    assert results_of(found) == [] and "No messages in your rooms match" in main_of(found)
    for response in (client.get("/search?q=deploy"), client.get(f"/search?q=deploy&room={secret}")):
        assert results_of(response) == []
        assert "xylophone" not in response.get_data(as_text=True)
    assert client.get(f"/search?q=deploy&room={secret}").status_code == 404


def test_more_results_are_a_link_away(app, alice, general):
    for n in range(25):
        post_message(app, general, alice, f"deploy {n}")
    client = logged_in(app, alice)
    first = client.get(f"/search?q=deploy&room={general}")
    assert len(results_of(first)) == 20
    more = re.search(r'<a class="page-link" href="([^"]+)">More results</a>', main_of(first)).group(1)
    assert more == f"/search?q=deploy&amp;room={general}&amp;offset=20"
    second = client.get(more.replace("&amp;", "&"))
    assert len(results_of(second)) == 5 and "More results" not in main_of(second)


def test_the_top_bar_has_a_search_box_once_logged_in(app, client, alice):
    assert "Search messages" not in client.get("/login").get_data(as_text=True)
    page = logged_in(app, alice).get("/rooms").get_data(as_text=True)
    assert '<form method="get" action="/search" role="search" class="topbar-search">' in page
    assert '<label for="topbar-q" class="visually-hidden">Search messages</label>' in page


def test_the_page_needs_a_login(client):
    response = client.get("/search?q=deploy")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_no_match_says_so_and_shows_what_the_words_find_as_prefixes(app, alice, general):
    post_message(app, general, alice, "we deploy at dawn")
    response = logged_in(app, alice).get("/search?q=deplo")
    assert response.status_code == 200
    page = main_of(response)
    assert "No messages in your rooms match “deplo”." in page
    assert '<a href="/search?q=deplo*" class="suggestion">deplo*</a>' in page
    ((href, shown),) = results_of(response)
    assert href == f"/rooms/{general}/messages/1" and shown.endswith("we <mark>deploy</mark> at dawn")


def test_when_the_prefixes_find_nothing_either_the_page_says_that_too(app, alice, general):
    post_message(app, general, alice, "lunch at noon")
    page = main_of(logged_in(app, alice).get("/search?q=deplo"))
    assert "No messages in your rooms match “deplo”." in page and "Nor do words that start with it" in page
    assert "search-result" not in page


def test_the_search_page_keeps_the_sidebar_of_my_rooms_and_dms_with_their_unread_counts(app, alice, bob, general, secret):
    post_message(app, general, bob, "news for alice")
    page = logged_in(app, alice).get("/search?q=news").get_data(as_text=True)
    sidebar = re.search(r'<nav class="sidebar" aria-label="Your rooms">(.*?)</nav>', page, re.S).group(1)
    entries = dict(re.findall(r'<li data-room-id="(\d+)" data-name="([^"]+)"', sidebar))
    assert entries == {str(general): "general", str(secret): "secret"}
    assert re.search(rf'data-room-id="{general}"[^>]*data-unread="1"', sidebar)
    assert 'aria-current' not in sidebar and 'id="dm-nav"' in sidebar
    assert "data-cursor=" in page and '<script src="/static/js/unread.js" defer></script>' in page
