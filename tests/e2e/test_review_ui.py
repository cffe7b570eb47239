"""End to end in headless chromium: sign in, review, merge, search with typos, hostile text."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from ingestor.store.schema import Contact, ContactEmail, Suggestion
from tests.e2e.conftest import Live, sign_in
from tests.web.seed import XSS_EVENT, XSS_NAME, XSS_SIGNATURE


def test_sign_in_wrong_then_right_then_out(page: Any, live: Live) -> None:
    page.goto("/review")
    page.wait_for_url("**/login?next=%2Freview")
    page.fill("#username", "anna")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    sign_in(page)
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto("/contacts")
    page.wait_for_url("**/login?next=%2Fcontacts")


def test_accept_a_proposed_update(page: Any, live: Live) -> None:
    sign_in(page)
    item = page.locator(f"#item-{live.seeded.title_update}")
    expect(item).to_contain_text("Head of Engineering → CTO")
    expect(item.locator(".snippet")).to_contain_text("CTO")
    item.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_have_text("Accepted: title of Jürgen Müller: CTO.")
    expect(page.locator(f"#item-{live.seeded.title_update}")).to_have_count(0)
    page.goto(f"/contacts/{live.seeded.juergen}")
    expect(page.locator("#f-title")).to_have_value("CTO")
    expect(page.locator("#f-title + .badge")).to_have_text("locked")
    with live.sessions() as s:
        row = s.get(Suggestion, live.seeded.title_update)
        assert row is not None and (row.status, row.decided_by) == ("accepted", "anna")


def test_edit_then_accept(page: Any, live: Live) -> None:
    sign_in(page)
    sid = live.seeded.title_update
    item = page.locator(f"#item-{sid}")
    item.locator("summary").click()
    item.locator(f"#value_{sid}").fill("Chief Technology Officer")
    item.locator(f"#value_{sid}").press("Enter")  # Enter saves the edit, it does not accept as is
    expect(page.get_by_role("status")).to_have_text(
        "Saved and accepted: title of Jürgen Müller: Chief Technology Officer."
    )
    with live.sessions() as s:
        contact = s.get(Contact, live.seeded.juergen)
        assert contact is not None and contact.title == "Chief Technology Officer"


def test_keyboard_only_review(page: Any, live: Live) -> None:
    sign_in(page)
    first = page.locator("[data-item]").first
    expect(first).to_be_focused()
    page.keyboard.press("j")
    second = page.locator("[data-item]").nth(1)
    expect(second).to_be_focused()
    sid = int(second.get_attribute("data-item"))
    third = page.locator("[data-item]").nth(2).get_attribute("data-item")
    page.keyboard.press("a")
    expect(page.get_by_role("status")).to_contain_text("Accepted: ")
    # Focus goes on to the item after the one decided, not back to the first.
    expect(page.locator(f"[data-item='{third}']")).to_be_focused()
    with live.sessions() as s:
        row = s.get(Suggestion, sid)
        assert row is not None and row.status == "accepted"


def test_bulk_accept_new_contacts(page: Any, live: Live) -> None:
    sign_in(page)
    page.goto("/review?kind=new_contact")
    page.get_by_role("button", name="Select all shown").click()
    page.get_by_role("button", name="Accept selected").click()
    expect(page.get_by_role("status")).to_have_text("Accepted 2 suggestions.")
    with live.sessions() as s:
        rows = s.scalars(select(Suggestion).where(Suggestion.kind == "new_contact")).all()
        assert {r.status for r in rows} == {"accepted"}


def test_merge_two_contacts(page: Any, live: Live) -> None:
    sign_in(page)
    keep, other = live.seeded.sergey_ru, live.seeded.sergey_en
    page.goto(f"/contacts/{keep}")
    page.get_by_role("button", name="Merge into this…").click()
    expect(page.get_by_role("heading", name="Merge two contacts")).to_be_visible()
    page.get_by_role("button", name=f"Merge #{other} into #{keep}").click()
    expect(page.get_by_role("status")).to_have_text("Merged.")
    expect(page.locator("main")).to_contain_text("s.ivanov@gmail.com")
    expect(page.locator("main")).to_contain_text("sergey.ivanov@yandex.ru")
    with live.sessions() as s:
        merged = s.get(Contact, other)
        assert merged is not None and merged.merged_into == keep
        owners = set(s.scalars(select(ContactEmail.contact_id)).all())
        assert other not in owners


def test_search_with_a_typo_and_another_script(page: Any, live: Live) -> None:
    sign_in(page)
    page.keyboard.press("/")
    expect(page.locator("#top-q")).to_be_focused()
    page.keyboard.type("Ivnov")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contacts?q=Ivnov")
    results = page.locator("table.contacts")
    expect(results).to_contain_text("Сергей Иванов")
    expect(results).to_contain_text("Sergey Ivanov")
    page.fill("#q", "Juergen Mueller")
    page.press("#q", "Enter")
    page.get_by_role("link", name="Jürgen Müller").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jürgen Müller")


def test_hostile_text_is_shown_as_text(page: Any, live: Live) -> None:
    sign_in(page)
    page.goto(f"/contacts/{live.seeded.eve}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(XSS_NAME)
    expect(page.locator(".timeline")).to_contain_text(XSS_EVENT)
    assert page.locator("script").count() == 1  # ours, from /static/app.js
    assert page.locator("main img, main iframe, main svg").count() == 0
    page.goto("/review")
    expect(page.locator("main")).to_contain_text(XSS_SIGNATURE)
    assert page.locator("main img, main iframe, main svg").count() == 0
    page.goto("/contacts?q=eve")
    expect(page.locator("table.contacts")).to_contain_text(XSS_NAME)


def test_phones_are_shown_with_click_to_call_links(page: Any, live: Live) -> None:
    """#16: the contact list, search results and the review cards show phone numbers."""
    sign_in(page)
    page.goto("/contacts?q=Juergen")
    call = page.locator("table.contacts a[href='tel:+498912345678']")
    expect(call).to_have_text("+498912345678")
    page.goto("/contacts")
    expect(page.locator("table.contacts a[href^='tel:+']").first).to_be_visible()
    page.goto("/review")
    cards = page.locator(".card .phones a[href^='tel:+']")
    assert cards.count() >= 1


def test_merging_two_unrelated_people_warns_first(page: Any, live: Live) -> None:
    """#16: the confirmation shows both profiles, and warns when they share nothing."""
    sign_in(page)
    page.goto(f"/contacts/{live.seeded.juergen}")
    page.fill("#merge-other", "maria.lopez@gmail.com")
    page.get_by_role("button", name="Merge…").click()
    expect(page.get_by_role("heading", name="Merge two contacts")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("look like different people")
    expect(page.locator(".pair .card")).to_have_count(2)
    page.get_by_role("link", name="Cancel").click()  # nothing merged
    with live.sessions() as s:
        assert s.get(Contact, live.seeded.maria).merged_into is None
    # Two spellings of one person share their name: no warning, what they share is said.
    page.goto(f"/contacts/{live.seeded.sergey_ru}")
    page.get_by_role("button", name="Merge into this…").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("In common: name:")
