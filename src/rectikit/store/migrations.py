"""The ledger's schema, as the migrations that built it, oldest first.

A ledger records which versions it has applied (table ``schema_migrations``);
:class:`rectikit.store.ledger.Ledger` applies the rest when it opens one. A
new column is a new migration appended (in migrations_later.py), never an edit of an old one.
"""

from __future__ import annotations

from rectikit.store.migrations_later import LATER

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

MIGRATIONS += LATER  # version 14 and after: the event model and what followed
