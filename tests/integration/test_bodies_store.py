"""Each email's own words in the store (interaction_body), on SQLite and PostgreSQL: the new
text without its quotes, capped at 32 KB, one body per message across mailboxes, none under
`store_bodies = false`; and the thread the message page shows around it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from ingestor.pipeline import sync_source
from ingestor.store.messages import interaction_json, message_view
from ingestor.store.schema import Interaction, InteractionBody
from tests.factories import OWNER, defaults, make_message, source_config, write_maildir

QUOTED = make_message(
    subject="Re: Senior Backend Engineer",
    message_id="<reply@test>",
    body=(
        "Hi Anna,\n\nThursday works. <script>alert(1)</script>\n\nMaria\n\n"
        "On Mon, 2 Nov 2026 at 09:00, Anna Keller <anna@agency.example> wrote:\n"
        "> Would Thursday suit you?\n> Anna\n"
    ),
    extra="In-Reply-To: <first@test>\r\nReferences: <first@test>",
)
FIRST = make_message(
    sender=f"Anna Keller <{OWNER}>",
    to="Maria Lopez <maria@gmail.com>",
    subject="Senior Backend Engineer",
    message_id="<first@test>",
    body="Hi Maria,\n\nWould Thursday suit you?\n\nAnna\n",
)
# No References, no In-Reply-To: in the thread by its subject and its people only.
LOOSE = make_message(subject="AW: Senior Backend Engineer", message_id="<loose@test>")
OTHER = make_message(subject="Something else", message_id="<other@test>")


def _bodies(sessions) -> dict[str, tuple[str, bool]]:
    with sessions() as s:
        return {
            mid: (text, truncated)
            for mid, text, truncated in s.execute(
                select(
                    Interaction.message_id, InteractionBody.text, InteractionBody.truncated
                ).join(InteractionBody, InteractionBody.interaction_id == Interaction.id)
            )
        }


def test_the_new_text_is_kept_without_its_quotes(tmp_path: Path, sessions) -> None:
    root = write_maildir(tmp_path / "m", {"INBOX": [QUOTED], "Sent": [FIRST]})
    assert sync_source(source_config(path=str(root)), defaults(), sessions).ok
    bodies = _bodies(sessions)
    text, truncated = bodies["<reply@test>"]
    assert text == "Hi Anna,\n\nThursday works. <script>alert(1)</script>\n\nMaria"
    assert "Would Thursday suit you?" not in text and not truncated
    assert bodies["<first@test>"] == ("Hi Maria,\n\nWould Thursday suit you?\n\nAnna", False)


def test_a_long_body_is_cut_at_32_kb_on_a_character(tmp_path: Path, sessions) -> None:
    # 3-byte characters: 32 KB is no multiple of 3, so a byte cut would split one.
    long = make_message(message_id="<long@test>", body="Привет! " + "日本語テキスト" * 3000)
    root = write_maildir(tmp_path / "m", {"INBOX": [long]})
    assert sync_source(source_config(path=str(root)), defaults(), sessions).ok
    text, truncated = _bodies(sessions)["<long@test>"]
    assert truncated
    assert 32 * 1024 - 3 < len(text.encode("utf-8")) <= 32 * 1024
    assert text.startswith("Привет! 日本語") and text.endswith(
        ("日", "本", "語", "テ", "キ", "ス", "ト")
    )


def test_store_bodies_false_keeps_no_body(tmp_path: Path, sessions) -> None:
    root = write_maildir(tmp_path / "m", {"INBOX": [QUOTED, OTHER]})
    assert sync_source(source_config(path=str(root)), defaults(store_bodies=False), sessions).ok
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == 2
        assert s.scalar(select(func.count()).select_from(InteractionBody)) == 0
        reply = s.scalar(select(Interaction.id).where(Interaction.message_id == "<reply@test>"))
        assert reply is not None
        view = message_view(s, reply)
        assert view is not None and view.text is None and view.snippet  # the snippet stays


def test_one_body_for_a_message_in_several_mailboxes(tmp_path: Path, sessions) -> None:
    # Twice in one batch (INBOX), once more in a later batch (Archive), and in another source.
    root = write_maildir(tmp_path / "m", {"INBOX": [QUOTED, QUOTED], "Archive": [QUOTED]})
    other = write_maildir(tmp_path / "o", {"INBOX": [QUOTED]})
    assert sync_source(source_config(path=str(root)), defaults(), sessions).ok
    assert sync_source(source_config(name="tom", path=str(other)), defaults(), sessions).ok
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == 1
        assert s.scalar(select(func.count()).select_from(InteractionBody)) == 1
        reply = s.scalar(select(Interaction.id))
        assert reply is not None
        view = message_view(s, reply)
        assert view is not None and view.mailboxes == ["mail", "tom"]


def test_the_thread_around_a_message(tmp_path: Path, sessions) -> None:
    root = write_maildir(tmp_path / "m", {"INBOX": [QUOTED, LOOSE, OTHER], "Sent": [FIRST]})
    assert sync_source(source_config(path=str(root)), defaults(), sessions).ok
    with sessions() as s:
        ids = {m: i for m, i in s.execute(select(Interaction.message_id, Interaction.id))}
        view = message_view(s, ids["<reply@test>"])
        assert view is not None
        assert {t.id for t in view.thread} == {
            ids["<first@test>"],
            ids["<reply@test>"],
            ids["<loose@test>"],
        }
        assert [p.role for p in view.people][:2] == ["from", "to"]
        assert view.text is not None and "<script>" in view.text  # raw here; escaped in HTML
        api = interaction_json(s, ids["<first@test>"])
        assert api is not None
        assert api["body"] == "Hi Maria,\n\nWould Thursday suit you?\n\nAnna"
        assert api["body_truncated"] is False
        assert set(api["thread"]) == {ids["<first@test>"], ids["<reply@test>"], ids["<loose@test>"]}
        other = message_view(s, ids["<other@test>"])
        assert other is not None and [t.id for t in other.thread] == [ids["<other@test>"]]
        assert message_view(s, 10**9) is None


ZOOM_AGENDA = (
    "DESCRIPTION:Anna Keller is inviting you to a scheduled Zoom meeting.\\n\\nJoin Zoom Meetin"
    "g\\nhttps://us06web.zoom.us/j/83355501234?pwd=abc.1\\n\\nMeeting ID: 833 5550 1234\\nPass"
    "code: 260922\\n\\n---\\n\\nOne tap mobile\\n+33199001234\\,\\,83355501234#\\,\\,\\,\\,*26"
    "0922# France\\n\\nAgenda: salary band\\, relocation\\, start date.\n"
)


def _series_feed(tmp_path: Path, sequence: int = 0, agenda: str = ZOOM_AGENDA) -> Path:
    from tests.integration.test_calendar_pipeline import SOON, calendar, vevent

    start = SOON - timedelta(days=14)
    event = vevent(
        "weekly-zoom",
        start=start,
        summary="Client sync",
        sequence=sequence,
        attendees=("priya@northwind.example",),
        extra="RRULE:FREQ=WEEKLY;COUNT=4\n" + agenda,
    )
    feed = tmp_path / "series.ics"
    feed.write_text(calendar(event))
    return feed


def test_meetings_keep_their_description_stripped_at_ingest(tmp_path: Path, sessions) -> None:
    cfg = source_config(name="cal", type="ics", path=str(_series_feed(tmp_path)))
    assert sync_source(cfg, defaults(), sessions).ok
    with sessions() as s:
        rows = s.execute(
            select(Interaction.id, Interaction.snippet, InteractionBody.text).outerjoin(
                InteractionBody, InteractionBody.interaction_id == Interaction.id
            )
        ).all()
        assert len(rows) == 4
        # The body: the organizer's words, after the block, which the 240-char snippet lost.
        assert {text for _, _, text in rows} == {"Agenda: salary band, relocation, start date."}
        # The snippet (the export's) is the description's start, as it always was.
        assert all(snippet.startswith("Anna Keller is inviting you") for _, snippet, _ in rows)
        view = message_view(s, rows[0][0])
        assert view is not None
        assert view.text == "Agenda: salary band, relocation, start date."
        assert view.join_url == "https://us06web.zoom.us/j/83355501234?pwd=abc.1"
    # Changed (a higher SEQUENCE): the body follows; with no words left, it goes.
    (tmp_path / "series.ics").unlink()
    _series_feed(
        tmp_path, sequence=1, agenda="DESCRIPTION:Join Zoom Meeting\\nhttps://us06web.zoom.us/j/1\n"
    )
    assert sync_source(cfg, defaults(), sessions).ok
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(InteractionBody)) == 0


def test_meetings_keep_no_body_under_store_bodies_false(tmp_path: Path, sessions) -> None:
    cfg = source_config(name="cal", type="ics", path=str(_series_feed(tmp_path)))
    assert sync_source(cfg, defaults(store_bodies=False), sessions).ok
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == 4
        assert s.scalar(select(func.count()).select_from(InteractionBody)) == 0
        first = s.scalar(select(Interaction.id))
        assert first is not None
        view = message_view(s, first)
        # Stripped at display from the snippet: the block goes (the agenda was past 240 chars).
        assert view is not None and view.text is None
        assert view.join_url == "https://us06web.zoom.us/j/83355501234?pwd=abc.1"
