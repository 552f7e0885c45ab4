"""`rectikit status`: what the ledger holds, per batch: raw items as
imported, working items after merging, repeats of earlier batches, and how
far the cycle has got (classified, key tasks, assigned)."""

from __future__ import annotations

from rectikit.store.ledger import SCHEMA_VERSION
from rectikit.store.workspace import Workspace


def ledger_status(ws: Workspace) -> dict:
    """Counts per batch: files, raw items, working items, date range."""
    cfg = ws.config()
    with ws.ledger() as led:
        c = led.conn
        batches = [
            {
                "batch": r["name"],
                "files": r["files"],
                "raw_items": r["raw_items"],
                "items": r["items"],
                "repeats": r["repeats"],
                "classified": r["classified"],
                "key_tasks": r["key_tasks"],
                "assigned": r["assigned"],
                "first_date": r["first_date"],
                "last_date": r["last_date"],
            }
            for r in c.execute(
                """
                SELECT b.name,
                  (SELECT COUNT(DISTINCT sha256) FROM source_files f WHERE f.batch_id=b.id) AS files,
                  (SELECT COUNT(*) FROM items i WHERE i.batch_id=b.id) AS raw_items,
                  (SELECT COUNT(*) FROM items i WHERE i.batch_id=b.id AND i.merged_into IS NULL) AS items,
                  (SELECT COUNT(*) FROM items i WHERE i.batch_id=b.id AND i.merged_into IS NULL
                     AND i.repeat_of IS NOT NULL) AS repeats,
                  (SELECT COUNT(*) FROM items i WHERE i.batch_id=b.id AND i.merged_into IS NULL
                     AND i.category IS NOT NULL) AS classified,
                  (SELECT COUNT(*) FROM items i WHERE i.batch_id=b.id AND i.merged_into IS NULL
                     AND i.is_key_task=1) AS key_tasks,
                  (SELECT COUNT(*) FROM items i WHERE i.batch_id=b.id AND i.merged_into IS NULL
                     AND i.lead_unit IS NOT NULL) AS assigned,
                  (SELECT MIN(received_on) FROM items i WHERE i.batch_id=b.id) AS first_date,
                  (SELECT MAX(received_on) FROM items i WHERE i.batch_id=b.id) AS last_date
                FROM batches b ORDER BY b.id
                """
            )
        ]
        last = c.execute("SELECT at, command, action FROM history ORDER BY id DESC LIMIT 1").fetchone()
        changes = c.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    return {
        "workspace": str(ws.root),
        "office": cfg.get("office", {}).get("name", ""),
        "year": cfg.get("office", {}).get("year"),
        "schema_version": SCHEMA_VERSION,
        "batches": batches,
        "total_raw_items": sum(b["raw_items"] for b in batches),
        "total_items": sum(b["items"] for b in batches),
        "history_entries": changes,
        "last_change": dict(last) if last else None,
    }
