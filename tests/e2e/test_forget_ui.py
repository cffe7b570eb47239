"""End to end in headless chromium: an admin forgets a person from their page, through the
confirmation, then finds them gone and the erasure in the audit log without their name."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from ingestor.store.schema import Contact, ContactEmail
from tests.e2e.conftest import Live, sign_in


def test_an_admin_forgets_a_person_after_confirming(page: Any, live: Live) -> None:
    sign_in(page, "admin")
    juergen = live.seeded.juergen
    page.goto(f"/contacts/{juergen}")
    page.get_by_role("button", name="Forget this person…").click()
    expect(page.get_by_role("heading", name="Forget Jürgen Müller?")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("This cannot be undone.")
    page.get_by_role("link", name="Cancel").click()  # changed their mind: nothing happens
    page.wait_for_url(f"**/contacts/{juergen}")
    with live.sessions() as s:
        assert s.get(Contact, juergen) is not None

    page.get_by_role("button", name="Forget this person…").click()
    page.fill("#forget-reason", "erasure request by email")
    page.get_by_role("button", name="Forget this person", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("forgotten: ")
    expect(page.get_by_role("status")).to_contain_text("1 contacts")
    with live.sessions() as s:
        assert s.get(Contact, juergen) is None
        assert (
            s.scalar(select(ContactEmail).where(ContactEmail.address == "j.mueller@autowerk.de"))
            is None
        )

    page.get_by_role("link", name="Audit log").click()
    row = page.locator("tr.audit-forget")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("admin")
    expect(page.locator("main")).not_to_contain_text("Müller")
    page.goto(f"/contacts/{juergen}")
    assert "There is no contact" in page.content()


def test_recruiters_see_no_forget_button(page: Any, live: Live) -> None:
    sign_in(page)
    page.goto(f"/contacts/{live.seeded.juergen}")
    expect(page.get_by_role("button", name="Forget this person…")).to_have_count(0)
    expect(page.get_by_role("link", name="Audit")).to_have_count(0)
