"""The REST API's shapes as pydantic models: handlers build their JSON from them, and
/api/openapi.json is generated from them (web/openapi.py), so the two cannot drift apart.

Response models are strict (no coercion: the JSON carries exactly what the store gave) and
closed (`extra="forbid"`, `additionalProperties: false`): a field the schema does not declare
fails loudly instead of leaking out. A field that is only sometimes present (`score`,
`merged_into`) has a default and is left out of the JSON when the handler did not set it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

NullableStr = Annotated[str | None, WithJsonSchema({"type": ["string", "null"]})]
NullableInt = Annotated[int | None, WithJsonSchema({"type": ["integer", "null"]})]
# ISO 8601 text as the store writes it (`datetime.isoformat()`): kept as text, so the JSON is
# byte for byte what `ingestor export` writes.
Time = Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "date-time"})]
EditText = Annotated[str | None, WithJsonSchema({"type": "string"})]
CURSOR_HELP = "Pass as `cursor` for the next page; null on the last page."


class Closed(BaseModel):
    """A response shape: every field declared, nothing coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Phone(Closed):
    number: str = Field(description="E.164")
    type: Literal["mobile", "work", "fax", "other"]


class EmailDetail(Closed):
    address: str
    status: Literal["active", "bounced"]
    bounced_at: Annotated[
        str | None,
        WithJsonSchema(
            {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "The last hard bounce",
            }
        ),
    ]


class SalaryExpectation(Closed):
    amount: int
    currency: NullableStr = Field(description="ISO 4217")
    period: NullableStr = Field(description="year, month or hour")
    basis: NullableStr = Field(description="gross, net, or null when not stated")


class Document(Closed):
    id: int
    file_name: str
    content_type: str
    kind: Literal["cv", "vcard", "card"]
    size: int
    sha256: str
    interaction_id: NullableInt
    subject: NullableStr
    received_at: Time
    stored: bool = Field(description="Whether the file itself is kept (store_attachments)")


class Contact(Closed):
    id: int
    name: NullableStr
    emails: list[str]
    phones: list[Phone]
    title: NullableStr
    company: NullableStr
    location: NullableStr
    origin: Literal["auto", "manual"]
    locked_fields: list[str]
    missing_fields: list[str]
    last_interaction_at: Time
    created_at: Time
    updated_at: Time
    do_not_contact: bool = Field(description="The person asked not to be written to again")
    email_details: list[EmailDetail] = Field(
        description="Each address with its status, as in `ingestor export`"
    )
    score: Annotated[
        float | None,
        WithJsonSchema({"type": "number", "description": "Match score 0-100, only when searching"}),
    ] = None
    merged_into: Annotated[
        int | None,
        WithJsonSchema({"type": ["integer", "null"], "description": "Only on GET /contacts/{id}"}),
    ] = None
    status: Annotated[
        Literal["active", "rejected"] | None,
        WithJsonSchema(
            {
                "type": "string",
                "enum": ["active", "rejected"],
                "description": "Only on GET /contacts/{id}: rejected is a contact a recruiter "
                "marked 'not a contact', left out of every list",
            }
        ),
    ] = None
    salary_expectation: SalaryExpectation | None = None
    notice_period: NullableStr = Field(default=None, description='"3 months", "immediately"')
    available_from: Annotated[
        str | None, WithJsonSchema({"type": ["string", "null"], "format": "date"})
    ] = None
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes")
    documents: list[Document] | None = Field(
        default=None,
        description="CVs and cards its fields came from; only on GET /contacts/{id}",
    )


class Participant(Closed):
    email: str
    name: NullableStr
    contact_id: NullableInt
    role: str
    partstat: NullableStr


class Interaction(Closed):
    id: int
    kind: Literal["email", "meeting", "call"]
    occurred_at: Time
    ends_at: Time
    subject: NullableStr
    snippet: NullableStr
    message_id: NullableStr
    thread_id: NullableStr
    ical_uid: NullableStr
    recurrence_id: NullableStr
    status: NullableStr
    direction: NullableStr
    location: NullableStr
    conference_url: NullableStr
    participants: list[Participant]
    sources: list[str]
    # Only on calls from phone-system mail (missed calls, voicemail).
    phone: Annotated[
        str | None, WithJsonSchema({"type": ["string", "null"], "description": "E.164; calls only"})
    ] = None
    call_status: Annotated[
        Literal["missed", "voicemail", "answered"] | None,
        WithJsonSchema(
            {"enum": ["missed", "voicemail", "answered", None], "description": "calls only"}
        ),
    ] = None
    duration_s: Annotated[
        int | None, WithJsonSchema({"type": ["integer", "null"], "description": "calls only"})
    ] = None


class InteractionDetail(Interaction):
    """One interaction with its own words and its thread (GET /interactions/{id})."""

    body: Annotated[
        str | None,
        WithJsonSchema(
            {
                "type": ["string", "null"],
                "description": "The email's new text, quotes split off, at most 32 KB; null when none is kept (store_bodies = false, meetings, older mail)",
            }
        ),
    ]
    body_truncated: bool = Field(description="The body was cut at 32 KB")
    thread: list[int] = Field(
        description="Ids of the emails of its thread, oldest first, this one among them"
    )


class Suggestion(Closed):
    id: int
    kind: Literal["new_contact", "field_update", "merge", "name_fix", "job_change"]
    contact_id: NullableInt
    field: NullableStr
    old_value: NullableStr
    new_value: NullableStr
    payload: dict[str, Any]
    evidence: list[dict[str, Any]]
    status: Literal["pending", "accepted", "rejected", "obsolete"]
    decided_by: NullableStr
    decided_at: Time
    created_at: Time


class ContactPage(Closed):
    items: list[Contact]
    next_cursor: NullableStr = Field(description=CURSOR_HELP)


class InteractionPage(Closed):
    items: list[Interaction]
    next_cursor: NullableStr = Field(description=CURSOR_HELP)


class SuggestionPage(Closed):
    items: list[Suggestion]
    next_cursor: NullableStr = Field(description=CURSOR_HELP)


class Task(Closed):
    """A follow-up, call-back or check-in: the shape of `tasks` in `ingestor export`."""

    id: int
    contact_id: int
    kind: Literal["follow_up", "call_back", "check_in"]
    reason: str
    due: Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
    status: Literal["open", "done", "dismissed", "snoozed", "expired"]
    interaction_id: Annotated[
        int | None,
        WithJsonSchema(
            {"type": ["integer", "null"], "description": "The interaction it came from"}
        ),
    ]
    owner: Annotated[
        str | None,
        WithJsonSchema({"type": ["string", "null"], "description": "The mailbox owner's address"}),
    ]


class TaskPage(Closed):
    items: list[Task]
    next_cursor: NullableStr = Field(description=CURSOR_HELP)


class Error(Closed):
    error: str


class AcceptBody(BaseModel):
    """Optional edits: `value` for field updates and name fixes; name/title/company/location for new contacts; keep_contact_id for merges."""

    value: EditText = None
    name: EditText = None
    title: EditText = None
    company: EditText = None
    location: EditText = None
    keep_contact_id: Annotated[int | None, WithJsonSchema({"type": "integer"})] = None


class SnoozeBody(BaseModel):
    """Hide the task until this day (a date after today); it is open and due again then."""

    model_config = ConfigDict(extra="forbid")
    until: Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]


class ForgetBody(BaseModel):
    """Optional: why (the audit log records only that there was a reason, not its words)."""

    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str | None, WithJsonSchema({"type": "string", "maxLength": 500})] = None


class Forgotten(Closed):
    contact_id: int
    rows: int = Field(description="Rows erased or cut, in all")
    counts: dict[str, int] = Field(description="Rows by kind (contacts, interactions, ...)")
    subject: str = Field(description="The salted hash the audit log names the person by")
    summary: str = Field(description="The one line `ingestor forget` prints")


JsonObjects = Annotated[
    list[dict[str, Any]], WithJsonSchema({"type": "array", "items": {"type": "object"}})
]


class PersonExport(Closed):
    """Everything held about one person (an access request): each row with all its columns."""

    format: Literal["ingestor-person-export/1"]
    generated_at: str
    addresses: list[str]
    contacts: JsonObjects = Field(description="With emails, phones and provenance (observations)")
    interactions: JsonObjects = Field(description="With their roles and where each was seen")
    tasks: JsonObjects
    suggestions: JsonObjects
    pending_signals: JsonObjects


class AuditEntry(Closed):
    id: int
    at: str = Field(json_schema_extra={"format": "date-time"})
    actor: str = Field(description='A user, "token:<name>", "cli:<user>" or "retention"')
    kind: Literal["forget", "export", "retention", "merge", "edit"]
    rows: int
    subject: NullableStr = Field(description="Salted hash of the person's address, if any")
    counts: dict[str, int | float]


class AuditPage(Closed):
    items: list[AuditEntry]
    next_cursor: NullableStr = Field(description=CURSOR_HELP)


class Retention(Closed):
    """[retention] as configured, and what its daily job would erase if it ran now."""

    keep_days: dict[str, int | None] = Field(description="Days kept per rule; null: for ever")
    due: dict[str, int] = Field(description="Items each configured rule would erase now")


RESPONSES: tuple[type[BaseModel], ...] = (
    ContactPage,
    Contact,
    InteractionPage,
    InteractionDetail,
    SuggestionPage,
    Suggestion,
    TaskPage,
    Task,
    Forgotten,
    PersonExport,
    AuditPage,
    Retention,
    Error,
)


def body(model: type[Closed], data: dict[str, Any]) -> dict[str, Any]:
    """`data` checked against `model` and dumped: the JSON a handler sends."""
    return model.model_validate(data).model_dump(mode="json", exclude_unset=True)
