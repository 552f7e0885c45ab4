"""The ledger's schema, as the migrations that built it, oldest first.

A ledger records which versions it has applied (table ``schema_migrations``);
:class:`rectikit.store.ledger.Ledger` applies the rest when it opens one. A
new column is a new migration appended here, never an edit of an old one.
"""

from __future__ import annotations

# Each migration is (version, name, statements).  Statements run one by one
# inside one transaction: sqlite3's executescript would commit half-way.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "batches, files, raw and working items, units, layouts, history",
        [
            """CREATE TABLE batches(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL)""",
            """CREATE TABLE source_files(
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES batches(id),
                file_name TEXT NOT NULL,
                file_path TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                sheet TEXT NOT NULL,
                header_row INTEGER NOT NULL,
                headers TEXT NOT NULL,
                mapping TEXT NOT NULL,
                row_count INTEGER NOT NULL,
                imported_at TEXT NOT NULL,
                UNIQUE(sha256, sheet))""",
            """CREATE TABLE items(
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES batches(id),
                seq TEXT,
                title TEXT,
                text TEXT NOT NULL,
                county TEXT,
                township TEXT,
                village TEXT,
                source TEXT,
                received_on TEXT,
                contact_name TEXT,
                contact_phone TEXT,
                category_given TEXT)""",
            "CREATE INDEX items_batch ON items(batch_id)",
            """CREATE TABLE raw_items(
                id INTEGER PRIMARY KEY,
                file_id INTEGER NOT NULL REFERENCES source_files(id),
                row_number INTEGER NOT NULL,
                cells TEXT NOT NULL,
                item_id INTEGER NOT NULL REFERENCES items(id),
                UNIQUE(file_id, row_number))""",
            "CREATE INDEX raw_items_item ON raw_items(item_id)",
            """CREATE TABLE units(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                short_names TEXT,
                level TEXT,
                leader TEXT,
                contact TEXT,
                phone TEXT)""",
            """CREATE TABLE layouts(
                signature TEXT PRIMARY KEY,
                mapping TEXT NOT NULL,
                updated_at TEXT NOT NULL)""",
            """CREATE TABLE history(
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                command TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT,
                field TEXT,
                old TEXT,
                new TEXT,
                detail TEXT)""",
            """CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                BEGIN SELECT RAISE(ABORT, 'history is append-only'); END""",
            """CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                BEGIN SELECT RAISE(ABORT, 'history is append-only'); END""",
        ],
    )
]

MIGRATIONS.append(
    (
        2,
        "merging: merged_into, repeat_of, home items of raw items, pairs people kept apart",
        [
            "ALTER TABLE items ADD COLUMN merged_into INTEGER REFERENCES items(id)",
            "ALTER TABLE items ADD COLUMN repeat_of INTEGER REFERENCES items(id)",
            "ALTER TABLE items ADD COLUMN repeat_score REAL",
            "CREATE INDEX items_merged_into ON items(merged_into)",
            "ALTER TABLE raw_items ADD COLUMN home_item_id INTEGER REFERENCES items(id)",
            "UPDATE raw_items SET home_item_id = item_id",
            """CREATE TABLE not_duplicates(
                item_a INTEGER NOT NULL REFERENCES items(id),
                item_b INTEGER NOT NULL REFERENCES items(id),
                at TEXT NOT NULL,
                PRIMARY KEY(item_a, item_b),
                CHECK(item_a < item_b))""",
        ],
    )
)

MIGRATIONS.append(
    (
        3,
        "classification: category, disposition, key task, each with its source",
        [
            "ALTER TABLE items ADD COLUMN category TEXT",
            "ALTER TABLE items ADD COLUMN category_source TEXT",
            "ALTER TABLE items ADD COLUMN category_confidence REAL",
            "ALTER TABLE items ADD COLUMN category_basis TEXT",
            "ALTER TABLE items ADD COLUMN disposition TEXT",
            "ALTER TABLE items ADD COLUMN disposition_source TEXT",
            "ALTER TABLE items ADD COLUMN is_key_task INTEGER",
            "ALTER TABLE items ADD COLUMN key_task_source TEXT",
        ],
    )
)

MIGRATIONS.append(
    (
        4,
        "assignment: units, leader, person, deadline, measures, goal, the rule that made it",
        [
            "ALTER TABLE items ADD COLUMN lead_unit TEXT",
            "ALTER TABLE items ADD COLUMN co_units TEXT",
            "ALTER TABLE items ADD COLUMN leader TEXT",
            "ALTER TABLE items ADD COLUMN person TEXT",
            "ALTER TABLE items ADD COLUMN deadline TEXT",
            "ALTER TABLE items ADD COLUMN deadline_text TEXT",
            "ALTER TABLE items ADD COLUMN long_term INTEGER",
            "ALTER TABLE items ADD COLUMN measures TEXT",
            "ALTER TABLE items ADD COLUMN goal TEXT",
            "ALTER TABLE items ADD COLUMN assign_rule TEXT",
            "ALTER TABLE items ADD COLUMN assign_source TEXT",
        ],
    )
)

MIGRATIONS.append(
    (
        5,
        "raw cells kept once per imported sheet, not per row; merged_into indexed only where set",
        [
            # A JSON object {"row number": [cells]}: one value per sheet instead of 100k
            # small ones made a 100k-row import ~0.2 s faster and the ledger smaller.
            "ALTER TABLE source_files ADD COLUMN rows TEXT",
            "UPDATE source_files SET rows = (SELECT json_group_object(r.row_number, json(r.cells))"
            " FROM raw_items r WHERE r.file_id = source_files.id)",
            "ALTER TABLE raw_items DROP COLUMN cells",
            # Nearly every item is unmerged: a partial index costs imports nothing.
            "DROP INDEX items_merged_into",
            "CREATE INDEX items_merged_into ON items(merged_into) WHERE merged_into IS NOT NULL",
        ],
    )
)

MIGRATIONS.append(
    (
        6,
        "each item carries the file and row it was imported from; raw_items folded into items",
        [
            # Every spreadsheet row becomes exactly one item at import, so the
            # row-to-item table only repeated items: dropping it took a third
            # off the per-row cost of an import. An item stands for its own
            # row plus the rows of the items merged into it (merged_into kept flat).
            "ALTER TABLE items ADD COLUMN file_id INTEGER REFERENCES source_files(id)",
            "ALTER TABLE items ADD COLUMN row_number INTEGER",
            "UPDATE items SET (file_id, row_number) = (SELECT r.file_id, r.row_number FROM raw_items r"
            " WHERE r.home_item_id = items.id)",
            "UPDATE items SET merged_into = (SELECT NULLIF(r.item_id, items.id) FROM raw_items r"
            " WHERE r.home_item_id = items.id) WHERE merged_into IS NOT NULL",
            "DROP TABLE raw_items",
        ],
    )
)

MIGRATIONS.append(
    (
        7,
        "imported files kept byte for byte",
        [
            # The original file is the most faithful record of every cell, and
            # one blob (5 MB for 100k rows) writes far faster than the cells as
            # JSON (20 MB). Ledgers from before keep theirs in source_files.rows.
            "CREATE TABLE source_blobs(sha256 TEXT PRIMARY KEY, content BLOB NOT NULL)"
        ],
    )
)

MIGRATIONS.append(
    (
        8,
        "tracking: progress, results, completion date and evidence reported by units; close-out",
        [
            "ALTER TABLE items ADD COLUMN progress TEXT",
            "ALTER TABLE items ADD COLUMN result TEXT",
            "ALTER TABLE items ADD COLUMN done_on TEXT",
            "ALTER TABLE items ADD COLUMN evidence TEXT",
            "ALTER TABLE items ADD COLUMN reported_at TEXT",
            "ALTER TABLE items ADD COLUMN closed INTEGER",
            "ALTER TABLE items ADD COLUMN closed_on TEXT",
        ],
    )
)

MIGRATIONS.append(
    (
        9,
        "workspace identity; workbooks sent out (task sheets, review files) with what each carried",
        [
            "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "INSERT INTO meta(key, value) VALUES ('workspace_id', lower(hex(randomblob(16))))",
            # One row per workbook that goes out and may come back: its token is
            # on the workbook's hidden sheet; items maps each item id to a digest
            # of the fixed cells sent, so a row whose 编号 was changed is caught.
            """CREATE TABLE sent_books(
                id INTEGER PRIMARY KEY,
                token TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                unit TEXT,
                batch TEXT,
                round INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                items TEXT NOT NULL)""",
            "CREATE INDEX sent_books_kind_unit ON sent_books(kind, unit)",
        ],
    )
)

MIGRATIONS.append(
    (
        10,
        "investigations: what each unit found when it looked into an item (seed 000's sections)",
        [
            """CREATE TABLE investigations(
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES items(id),
                unit TEXT NOT NULL,
                role TEXT NOT NULL,
                inquired_on TEXT,
                people TEXT,
                places TEXT,
                subjects TEXT,
                methods TEXT,
                process TEXT,
                result TEXT,
                plan TEXT,
                evidence TEXT,
                reported_at TEXT NOT NULL,
                UNIQUE(item_id, unit))"""
        ],
    )
)

MIGRATIONS.append(
    (
        11,
        "what hotline and petition files already say: second-level category, nature, handling unit, status, "
        "time limit, answer date, callback result, reported satisfaction",
        [
            f"ALTER TABLE items ADD COLUMN {name} TEXT"
            for name in (
                "category2",
                "nature",
                "unit_given",
                "status_given",
                "due_given",
                "answered_on",
                "callback",
                "satisfaction",
            )
        ],
    )
)

MIGRATIONS.append(
    (
        12,
        "callbacks (回访): who was reached, how satisfied, what they said; site notice boards on tasks",
        [
            """CREATE TABLE callbacks(
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES items(id),
                book TEXT NOT NULL,
                reached INTEGER NOT NULL,
                reason TEXT,
                result TEXT,
                opinion TEXT,
                caller TEXT,
                called_on TEXT,
                recorded_at TEXT NOT NULL,
                UNIQUE(book, item_id))""",
            "CREATE INDEX callbacks_item ON callbacks(item_id)",
            "ALTER TABLE items ADD COLUMN board TEXT",
        ],
    )
)

MIGRATIONS.append(
    (
        13,
        "triage with reasons: a second category, whether the category was taken without review, why the "
        "disposition, the key-task priority score; the disposition an imported file gives",
        [
            f"ALTER TABLE items ADD COLUMN {name}"
            for name in (
                "category_secondary TEXT",
                "category_review TEXT",
                "disposition_basis TEXT",
                "key_task_score INTEGER",
                "disposition_given TEXT",
            )
        ],
    )
)

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

MIGRATIONS.append(
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

MIGRATIONS.append(
    (
        15,
        "the fingerprint of each workbook file sent out, so a filled copy is never written over",
        ["ALTER TABLE sent_books ADD COLUMN file_sha TEXT", "CREATE INDEX sent_books_file_sha ON sent_books(file_sha)"],
    )
)

MIGRATIONS.append(
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

MIGRATIONS.append(
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

MIGRATIONS.append(
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

MIGRATIONS.append(
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
