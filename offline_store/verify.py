"""`medterm journal verify`: everything that can be checked about a journal, read-only.

1. SQLite's full `PRAGMA integrity_check` (every page, every index);
2. the audit log's hash chain (`audit.verify`);
3. the key: present and matching the key check value;
4. every encrypted field decrypts and authenticates under its table, column and row.

Never modifies the file (no migration, no key creation), so it is safe on a damaged journal
or a copy sent in by a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from offline_store import audit
from offline_store.crypto import FieldCipher, read_key
from offline_store.db import JournalDatabase, check_header, sqlite_errors
from offline_store.errors import FieldTamperedError, JournalError, KeyMismatchError

# (table, key column, encrypted columns): the key column is the associated data's row id
ENCRYPTED = (
    ("transactions", "tx_id", ("identity", "bill", "estimated", "actual")),
    ("requests", "msgid", ("body", "response")),
)


@dataclass
class VerifyReport:
    integrity: list[str] = field(default_factory=list)
    audit: audit.AuditReport | None = None
    key_problem: str = ""
    fields_checked: int = 0
    fields_failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        audit_ok = self.audit is not None and self.audit.ok
        return not (self.integrity or self.key_problem or self.fields_failed) and audit_ok

    def lines(self) -> list[str]:
        """The report as lines for a console, worst first."""
        out = [f"integrity: {p}" for p in self.integrity]
        if self.audit is None:
            out.append("audit log: not checked")
        else:
            out += [f"audit log seq {p.seq}: {p.kind}: {p.message}" for p in self.audit.problems]
        if self.key_problem:
            out.append(f"key: {self.key_problem}")
        out += [f"field: {f}" for f in self.fields_failed]
        verdict = "OK" if self.ok else "PROBLEMS FOUND"
        rows = self.audit.rows if self.audit else 0
        out.append(f"{verdict}: {rows} audit rows, {self.fields_checked} encrypted fields checked")
        return out


def verify_journal(db_path: Path, key_path: Path) -> VerifyReport:
    """Check the journal at `db_path` with the key at `key_path`; never writes to either."""
    report = VerifyReport()
    db_path = Path(db_path)
    try:
        check_header(db_path)
        database = JournalDatabase(db_path)
        with sqlite_errors(db_path):
            rows = database.connection().execute("PRAGMA integrity_check").fetchall()
    except JournalError as error:
        report.integrity.append(error.describe())
        return report
    try:
        findings = [str(r[0]) for r in rows]
        report.integrity = [] if findings == ["ok"] else findings
        with sqlite_errors(db_path):
            report.audit = audit.verify(database)
            _check_fields(database, Path(key_path), report)
    except JournalError as error:
        report.integrity.append(error.describe())
    finally:
        database.close()
    return report


def _check_fields(database: JournalDatabase, key_path: Path, report: VerifyReport) -> None:
    if not key_path.exists():
        report.key_problem = f"{key_path} is missing: encrypted fields not checked"
        return
    try:
        cipher = FieldCipher(read_key(key_path))
    except JournalError as error:
        report.key_problem = error.describe()
        return
    stored = database.query("SELECT value FROM meta WHERE key = 'key_check'")
    if stored and stored[0]["value"] != cipher.check_value:
        report.key_problem = KeyMismatchError(str(key_path)).describe()
        return
    conn = database.connection()
    for table, key, columns in ENCRYPTED:
        for row in conn.execute(f"SELECT {key}, {', '.join(columns)} FROM {table}"):
            for column, blob in zip(columns, row[1:], strict=True):
                if blob is None:
                    continue
                report.fields_checked += 1
                try:
                    cipher.decrypt(table, column, row[0], blob)
                except FieldTamperedError:
                    report.fields_failed.append(f"{table}.{column} of {row[0]}")
