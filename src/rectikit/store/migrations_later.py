"""The ledger's migrations from version 14 on: events with business dates and sources (the model every
dated figure rests on), and what came after it; appended to :data:`rectikit.store.migrations.MIGRATIONS`.
A new migration is appended here, never an edit of an old one."""

from __future__ import annotations

LATER: list[tuple[int, str, list[str]]] = []

# What an item's task looks like at any moment is rebuilt from its events:
# the plan (units, deadline, measures) and the outcome (progress, result,
# close-out, reopening). The items row keeps the latest values for speed.
_TRACKED = (
    "lead_unit",
    "co_units",
    "leader",
    "person",
    "deadline",
    "deadline_text",
    "long_term",
    "measures",
    "goal",
    "progress",
    "result",
    "done_on",
    "evidence",
    "board",
    "closed",
    "closed_on",
)

LATER.append(
    (
        14,
        "events with business dates and sources; reopening and start dates on items; what each book carried by "
        "role and the last event it saw; callback runs; report editions",
        [
            """CREATE TABLE events(
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                source TEXT NOT NULL,
                on_date TEXT NOT NULL,
                recorded_on TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                book TEXT,
                changes TEXT NOT NULL,
                before TEXT,
                detail TEXT)""",
            "CREATE INDEX events_item ON events(item_id)",
            "CREATE INDEX events_on ON events(on_date)",
            """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
            """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
            "ALTER TABLE items ADD COLUMN reopened TEXT",
            "ALTER TABLE items ADD COLUMN reopened_on TEXT",
            "ALTER TABLE items ADD COLUMN started_on TEXT",
            "ALTER TABLE sent_books ADD COLUMN event_mark INTEGER",
            "ALTER TABLE sent_books ADD COLUMN roles TEXT",
            "ALTER TABLE sent_books ADD COLUMN run TEXT",
            """CREATE TABLE editions(
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                period TEXT NOT NULL,
                scope TEXT NOT NULL,
                made_on TEXT NOT NULL,
                made_at TEXT NOT NULL,
                event_mark INTEGER NOT NULL,
                figures TEXT NOT NULL)""",
            # A ledger from before: each item's state as it stands, dated by its last change.
            "INSERT INTO events(item_id, kind, source, on_date, recorded_on, recorded_at, changes)"
            " SELECT i.id, 'baseline', 'import', COALESCE(h.d, date('now')), date('now'), datetime('now'), json_object("
            + ", ".join(f"'{f}', i.{f}" for f in _TRACKED)
            + ")"
            " FROM items i LEFT JOIN (SELECT CAST(entity_id AS INTEGER) AS id, substr(MAX(at), 1, 10) AS d FROM history"
            " WHERE entity = 'item' GROUP BY entity_id) h ON h.id = i.id"
            " WHERE i.merged_into IS NULL AND (i.lead_unit IS NOT NULL OR i.progress IS NOT NULL OR i.closed IS NOT NULL)",
        ],
    )
)

LATER.append(
    (
        15,
        "the fingerprint of each workbook file sent out, so a filled copy is never written over",
        ["ALTER TABLE sent_books ADD COLUMN file_sha TEXT", "CREATE INDEX sent_books_file_sha ON sent_books(file_sha)"],
    )
)

LATER.append(
    (
        16,
        "the business day each workbook went out and the day it was asked back by, so reports can say who "
        "returned on time",
        [
            "ALTER TABLE sent_books ADD COLUMN sent_on TEXT",
            "ALTER TABLE sent_books ADD COLUMN reply_by TEXT",
            "UPDATE sent_books SET sent_on = substr(created_at, 1, 10)",
        ],
    )
)

LATER.append(
    (
        17,
        "where each batch's opinions come from (社会评价, 热线, 专线, 信访, 其他): documents speak of them by it",
        [
            "ALTER TABLE batches ADD COLUMN kind TEXT",
            "UPDATE batches SET kind = CASE WHEN name LIKE '%专线%' THEN '专线'"
            " WHEN name LIKE '%12345%' OR name LIKE '%热线%' OR name LIKE '%工单%' THEN '热线'"
            " WHEN name LIKE '%信访%' THEN '信访' ELSE '社会评价' END",
        ],
    )
)

LATER.append(
    (
        18,
        "offices in a chain: each task sheet received from an upstream office's rectikit, and for each item it "
        "brought, the upstream 编号, role and deadline, so the office can report back up",
        [
            """CREATE TABLE upstream_books(
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES batches(id),
                workspace TEXT NOT NULL,
                token TEXT NOT NULL UNIQUE,
                unit TEXT,
                upstream_batch TEXT,
                round INTEGER NOT NULL,
                office TEXT,
                sha256 TEXT NOT NULL,
                file_name TEXT NOT NULL,
                received_on TEXT NOT NULL)""",
            """CREATE TABLE upstream_items(
                item_id INTEGER PRIMARY KEY REFERENCES items(id),
                workspace TEXT NOT NULL,
                number INTEGER NOT NULL,
                role TEXT,
                deadline TEXT,
                measures TEXT,
                goal TEXT,
                book TEXT NOT NULL)""",
            "CREATE UNIQUE INDEX upstream_items_number ON upstream_items(workspace, number)",
        ],
    )
)

LATER.append(
    (
        19,
        "sampling surveys (摸底调查): each round drawn from the sample frame, and each answer as it came back — "
        "the person only as a one-way key and a stratum, never a name or a phone",
        [
            """CREATE TABLE surveys(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                round INTEGER NOT NULL,
                drawn_on TEXT NOT NULL,
                run TEXT NOT NULL,
                by TEXT,
                seed INTEGER,
                population INTEGER NOT NULL,
                size INTEGER NOT NULL,
                strata TEXT NOT NULL,
                questions TEXT NOT NULL,
                people TEXT NOT NULL,
                UNIQUE(name, round))""",
            """CREATE TABLE survey_answers(
                id INTEGER PRIMARY KEY,
                survey_id INTEGER NOT NULL REFERENCES surveys(id),
                person TEXT NOT NULL,
                stratum TEXT,
                reached INTEGER NOT NULL,
                reason TEXT,
                called_on TEXT,
                question TEXT,
                answer TEXT,
                book TEXT NOT NULL,
                recorded_on TEXT NOT NULL,
                recorded_at TEXT NOT NULL)""",
            "CREATE INDEX survey_answers_survey ON survey_answers(survey_id, person)",
        ],
    )
)
