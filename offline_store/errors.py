"""Typed errors of the journal (codes E500-E599), each with what a person should do.

E501 (`SequenceExhausted`) lives in `offline_store.sequence`, next to the counter that raises it.
The recovery instructions are repeated, with more context, in docs/journal.md.
"""

from __future__ import annotations

from kernel.errors import MedtermError

VERIFY_HINT = "run `medterm journal verify --db <path>` and send its output to support"
VERIFY_HINT_ZH = "运行 `medterm journal verify --db <路径>` 并将输出发给技术支持"


class JournalError(MedtermError):
    """Base of every journal failure."""

    code = "E500"
    message_zh = "交易日志错误"
    message_en = "journal error"
    action = f"Stop taking payments, {VERIFY_HINT}."
    action_zh = f"请暂停收款，{VERIFY_HINT_ZH}。"


class JournalCorruptError(JournalError):
    """The file is not a readable SQLite database, or its integrity check failed."""

    code = "E502"
    message_zh = "交易日志文件已损坏"
    message_en = "the journal file is damaged"
    action = (
        "Stop the terminal and keep the file (do not delete or overwrite it, nor its -wal and "
        "-shm files); copy it off the terminal, restore the last backup or start with an empty "
        f"journal only after support has read the copy; {VERIFY_HINT}."
    )
    action_zh = (
        "请停止终端并保留该文件（不要删除或覆盖它及其 -wal、-shm 文件）；将其复制出终端，"
        f"技术支持查看副本后才能恢复最近的备份或启用空日志；{VERIFY_HINT_ZH}。"
    )


class JournalFullError(JournalError):
    """The disk (or the journal's size limit) is full: new work is refused, nothing is lost."""

    code = "E503"
    message_zh = "存储空间已满，暂停新交易"
    message_en = "the journal's disk is full: new transactions are refused"
    action = (
        "Nothing already recorded is lost. Free space on the journal's disk (old logs, "
        "`medterm journal purge`), then continue; the refused step can be retried."
    )
    action_zh = (
        "已记录的内容不会丢失。请清理交易日志所在磁盘的空间（旧日志、`medterm journal purge`），"
        "然后继续；被拒绝的步骤可以重试。"
    )


class JournalReadOnlyError(JournalError):
    """The journal file or its directory cannot be written."""

    code = "E504"
    message_zh = "交易日志只读，无法记录"
    message_en = "the journal cannot be written (read-only file or disk)"
    action = (
        "Check that the journal file, its directory and the disk are writable by the medterm "
        "user (a disk remounted read-only after errors needs a technician), then restart."
    )
    action_zh = (
        "请确认交易日志文件、其所在目录和磁盘对 medterm 用户可写"
        "（磁盘因错误被重新挂载为只读时需要技术人员处理），然后重启。"
    )


class JournalSchemaError(JournalError):
    """The journal was written by a newer medterm than this one."""

    code = "E505"
    message_zh = "交易日志版本高于本程序"
    message_en = "the journal was written by a newer version of medterm"
    action = "Install the medterm version that wrote this journal (or newer); never downgrade."
    action_zh = "请安装写入该日志的 medterm 版本（或更新版本）；切勿降级。"


class JournalIOError(JournalError):
    """The disk reported an I/O error."""

    code = "E506"
    message_zh = "存储设备读写错误"
    message_en = "the disk reported an input/output error"
    action = f"Stop the terminal; the storage may be failing. Call a technician and {VERIFY_HINT}."
    action_zh = f"请停止终端；存储设备可能正在损坏。请联系技术人员，{VERIFY_HINT_ZH}。"


class JournalNotFoundError(JournalError):
    """A command that only works on an existing journal found none where it was told to look.

    Only the commands that take payments create a journal (docs/cli.md, "Who creates a
    journal"): a mistyped data directory must not become a new, empty terminal."""

    code = "E507"
    message_zh = "找不到交易日志"
    message_en = "there is no journal here"
    action = (
        "Check the path (--data-dir, --db, or store.data_dir in the configuration): it must be "
        "the data directory of an existing terminal. Only a payment (checkout, load, the kiosk) "
        "creates a journal: in the configured data directory, or in a --data-dir given with "
        "--create-journal."
    )
    action_zh = (
        "检查路径（--data-dir、--db 或配置中的 store.data_dir）是否为现有终端的数据目录。"
        "只有结算（checkout、load、自助机）会创建交易日志：在配置的数据目录中，"
        "或在同时给出 --create-journal 的 --data-dir 中。"
    )


class DataDirError(JournalError):
    """The data directory (or a journal file in it) is not what it must be: a file where a
    directory belongs, a directory where the journal file belongs."""

    code = "E508"
    message_zh = "数据目录不可用"
    message_en = "the data directory is not usable"
    action = (
        "The data directory must be a directory holding journal.db and journal.key: check the "
        "path given (--data-dir or store.data_dir), and move aside whatever is in the way only "
        "after checking it is not a terminal's journal."
    )
    action_zh = (
        "数据目录必须是包含 journal.db 和 journal.key 的目录：检查所给路径（--data-dir 或 "
        "store.data_dir）；确认占用该路径的不是终端的交易日志后，再将其移开。"
    )


class KeyMissingError(JournalError):
    """The journal holds encrypted data but its key file is gone."""

    code = "E510"
    message_zh = "交易日志密钥文件缺失"
    message_en = "the journal's key file is missing"
    action = (
        "Restore the key file from the terminal's key backup to its configured path. Do not "
        "create a new key: data encrypted with the lost key could never be read again."
    )
    action_zh = (
        "请从终端的密钥备份中恢复密钥文件到配置的位置。不要新建密钥："
        "用丢失的密钥加密的数据将再也无法读取。"
    )


class KeyMismatchError(JournalError):
    """The key file does not match the key the journal was encrypted with."""

    code = "E511"
    message_zh = "交易日志密钥不匹配"
    message_en = "the key file does not belong to this journal"
    action = (
        "The key file was replaced or belongs to another terminal: restore this terminal's "
        "own key file from its key backup."
    )
    action_zh = "密钥文件被替换或属于另一台终端：请从密钥备份中恢复本终端自己的密钥文件。"


class KeyFileError(JournalError):
    """The key file exists but is unusable (wrong size, readable by others)."""

    code = "E512"
    message_zh = "交易日志密钥文件无效"
    message_en = "the journal's key file is unusable"
    action = "The key file must be 32 bytes, mode 0600, owned by the medterm user: fix or restore."
    action_zh = "密钥文件必须为 32 字节、权限 0600、属主为 medterm 用户：请修正或恢复。"


class FieldTamperedError(JournalError):
    """An encrypted field fails authentication: edited, truncated or moved to another row."""

    code = "E513"
    message_zh = "加密字段校验失败"
    message_en = "an encrypted field failed authentication"
    action = f"The journal was altered outside medterm; {VERIFY_HINT}."
    action_zh = f"交易日志在 medterm 之外被改动过；请{VERIFY_HINT_ZH}。"


class IllegalTransitionError(JournalError):
    """A state change the state machine of offline.md does not allow."""

    code = "E520"
    message_zh = "交易状态变更不允许"
    message_en = "illegal transaction state change"
    action = "This is a program error: call a technician and quote the code and detail."
    action_zh = "这是程序错误：请联系技术人员，并告知错误代码和详情。"


class NotFoundError(JournalError):
    """A transaction, request, payment, adjustment or dead letter that is not in the journal."""

    code = "E521"
    message_zh = "交易日志中没有该记录"
    message_en = "no such record in the journal"
    action = "Check the identifier (it may have been purged after the retention period)."
    action_zh = "请核对编号（该记录可能已在保存期满后被清理）。"


class UnsettledPaymentsError(JournalError):
    """A cancellation while money is still held: every collected payment must be refunded first."""

    code = "E522"
    message_zh = "仍有未退款的支付，不能撤销交易"
    message_en = "payments are still held: refund them before cancelling"
    action = "Refund each collected payment through its channel (or resolve pending ones) first."
    action_zh = "请先通过原支付渠道退回每一笔已收款项（或先处理未决的支付）。"


class DeadLetterClosedError(JournalError):
    """A dead letter that is already resolved or retried: a technician's second try, not a
    program error."""

    code = "E523"
    message_zh = "该死信已处理"
    message_en = "this dead letter is already closed"
    action = (
        "Nothing to do: it was resolved or queued again before. `medterm queue status` lists "
        "the dead letters still open."
    )
    action_zh = (
        "无需操作：该死信此前已处理或已重新排队。`medterm queue status` 列出仍未处理的死信。"
    )


class LeaseLostError(JournalError):
    """An outbox claim whose lease expired and was taken by another forwarder."""

    code = "E530"
    message_zh = "发送任务租约已失效"
    message_en = "the outbox claim expired and was taken over"
    action = "Nothing to do: the forwarder holding the new claim records the result."
    action_zh = "无需处理：持有新租约的转发进程会记录结果。"


class AuditChainError(JournalError):
    """The audit log's hash chain is broken: a row was edited, deleted or moved."""

    code = "E540"
    message_zh = "审计日志校验失败"
    message_en = "the audit log's hash chain is broken"
    action = (
        "The journal was altered outside medterm. Keep the file as evidence, do not purge, and "
        f"{VERIFY_HINT}."
    )
    action_zh = (
        f"交易日志在 medterm 之外被改动过。请保留该文件作为证据，不要清理，{VERIFY_HINT_ZH}。"
    )
