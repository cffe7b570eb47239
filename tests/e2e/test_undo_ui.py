"""#16: every decision can be undone from the message that names it, with or without
JavaScript; a rejected contact is hidden, listed under Rejected, and restored whole."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from ingestor.store.schema import Contact, Suggestion
from tests.e2e.conftest import Live, checked_page, sign_in


def _statuses(live: Live, *ids: int) -> list[str]:
    with live.sessions() as s:
        return [s.scalar(select(Suggestion.status).where(Suggestion.id == i)) or "" for i in ids]


def test_x_then_undo_brings_the_contact_back(page: Any, live: Live) -> None:
    sign_in(page)
    sid = live.seeded.new_ivan
    page.goto("/review?kind=new_contact")
    page.locator(f"#item-{sid}").focus()
    page.keyboard.press("x")
    expect(page.get_by_role("status")).to_have_text("Rejected: new contact Иван Петров.")
    expect(page.locator(f"#item-{sid}")).to_have_count(0)
    with live.sessions() as s:
        ivan = s.get(Contact, live.seeded.ivan)
        assert ivan is not None and ivan.status == "rejected"
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_have_text("Undone: new contact Иван Петров.")
    expect(page.locator(f"#item-{sid}")).to_be_visible()
    assert _statuses(live, sid) == ["pending"]
    page.goto("/contacts?q=petrov")
    expect(page.locator("main")).to_contain_text("i.petrov@mail.ru")


def test_undo_an_accepted_update_with_the_u_key(page: Any, live: Live) -> None:
    sign_in(page)
    page.locator(f"#item-{live.seeded.title_update}").get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_have_text("Accepted: title of Jürgen Müller: CTO.")
    page.keyboard.press("u")
    expect(page.get_by_role("status")).to_have_text("Undone: title of Jürgen Müller: CTO.")
    page.goto(f"/contacts/{live.seeded.juergen}")
    expect(page.locator("#f-title")).to_have_value("Head of Engineering")
    expect(page.locator("#f-title + .badge")).to_have_count(0)  # no longer locked


def test_bulk_reject_is_undone_as_one_batch(page: Any, live: Live) -> None:
    sign_in(page)
    page.goto("/review?kind=new_contact")
    page.get_by_role("button", name="Select all shown").click()
    page.get_by_role("button", name="Reject selected").click()
    expect(page.get_by_role("status")).to_have_text("Rejected 2 suggestions.")
    expect(page.locator("article.item")).to_have_count(0)
    page.goto("/contacts")
    expect(page.locator("main")).not_to_contain_text("i.petrov@mail.ru")
    page.go_back()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_have_text("Undone: 2 decisions.")
    expect(page.locator("article.item")).to_have_count(2)
    assert _statuses(live, live.seeded.new_eve, live.seeded.new_ivan) == ["pending", "pending"]


def test_bulk_accept_is_undone_as_one_batch(page: Any, live: Live) -> None:
    sign_in(page)
    page.goto("/review?kind=new_contact")
    page.get_by_role("button", name="Select all shown").click()
    page.get_by_role("button", name="Accept selected").click()
    expect(page.get_by_role("status")).to_have_text("Accepted 2 suggestions.")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_have_text("Undone: 2 decisions.")
    assert _statuses(live, live.seeded.new_eve, live.seeded.new_ivan) == ["pending", "pending"]


def test_rejected_list_and_restore(page: Any, live: Live) -> None:
    sign_in(page)
    sid = live.seeded.new_ivan
    page.locator(f"#item-{sid}").get_by_role("button", name="Not a contact").click()
    expect(page.get_by_role("status")).to_have_text("Rejected: new contact Иван Петров.")
    page.get_by_role("link", name="Rejected").click()
    item = page.locator(f"#item-{sid}")
    expect(item).to_contain_text("new contact Иван Петров")
    expect(item).to_contain_text("Rejected by anna")
    item.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("status")).to_have_text("Restored: new contact Иван Петров.")
    expect(page).to_have_url(re.compile(r"/review\?show=rejected&"))  # still on the list
    expect(page.locator(f"#item-{sid}")).to_have_count(0)
    page.goto("/review?kind=new_contact")
    expect(page.locator(f"#item-{sid}")).to_be_visible()


def test_a_rejected_contacts_page_offers_restore(page: Any, live: Live) -> None:
    sign_in(page)
    page.locator(f"#item-{live.seeded.new_ivan}").get_by_role(
        "button", name="Not a contact"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Rejected")
    page.goto(f"/contacts/{live.seeded.ivan}")
    expect(page.locator(".banner-rejected")).to_contain_text("Rejected as not a contact")
    page.locator(".banner-rejected").get_by_role("button", name="Restore").click()
    expect(page.get_by_role("status")).to_have_text("Restored: new contact Иван Петров.")
    with live.sessions() as s:
        ivan = s.get(Contact, live.seeded.ivan)
        assert ivan is not None and ivan.status == "active"


def test_undo_works_without_javascript(browser: Any, live: Live) -> None:
    with checked_page(browser, live.url, java_script_enabled=False) as page:
        sign_in(page)
        sid = live.seeded.new_eve
        page.locator(f"#item-{sid}").get_by_role("button", name="Not a contact").click()
        expect(page.get_by_role("status")).to_contain_text("Rejected: new contact")
        page.get_by_role("button", name="Undo").click()
        expect(page.get_by_role("status")).to_contain_text("Undone: new contact")
        expect(page.locator(f"#item-{sid}")).to_be_visible()
    assert _statuses(live, live.seeded.new_eve) == ["pending"]


def test_undo_a_merge_from_the_queue(page: Any, live: Live) -> None:
    sign_in(page)
    page.goto("/review?kind=merge")
    item = page.locator("article.item").first
    sid = int(item.get_attribute("data-item") or 0)
    item.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("status")).to_contain_text("Accepted: merge of ")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("Undone: merge of ")
    expect(page.locator(f"#item-{sid}")).to_be_visible()
    with live.sessions() as s:
        for cid in (live.seeded.sergey_ru, live.seeded.sergey_en):
            c = s.get(Contact, cid)
            assert c is not None and c.merged_into is None
