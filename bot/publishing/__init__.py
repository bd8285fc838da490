"""Publishing guidance safely: the quality gate, the background ingest, and what serves now.

The content team's side of the index, over the ``ingest`` API: no Telegram import here (the
content group's transport lives in ``bot.telegram``), so the CLI and the group share it.
"""

from ._background import (
    EXIT_BUSY,
    EXIT_GATE_REFUSED,
    EXIT_INVALID,
    EXIT_OK,
    ONE_THREAD_ENV,
    describe_exit,
    start_background_ingest,
)
from ._editor import EditorDesk, Preview, build_staged
from ._isolated_build import build_in_child
from ._notify import (
    AnswerUse,
    AnswerUses,
    InMemoryAnswerUses,
    InMemoryRecipients,
    Notice,
    Recipients,
    change_key,
    plan_notices,
    send_notices,
)
from ._stored import StoredAnswerUses, StoredRecipients
from ._gate import GATE_METRICS, GateResult, GateRow, compare, evaluate_version, quality_gate
from ._status import DocumentEntry, IndexStatus, index_status

__all__ = [
    "AnswerUse",
    "AnswerUses",
    "InMemoryAnswerUses",
    "InMemoryRecipients",
    "Notice",
    "Recipients",
    "StoredAnswerUses",
    "StoredRecipients",
    "change_key",
    "plan_notices",
    "send_notices",
    "EXIT_BUSY",
    "EXIT_GATE_REFUSED",
    "EXIT_INVALID",
    "EXIT_OK",
    "GATE_METRICS",
    "ONE_THREAD_ENV",
    "DocumentEntry",
    "EditorDesk",
    "GateResult",
    "GateRow",
    "IndexStatus",
    "Preview",
    "build_in_child",
    "build_staged",
    "compare",
    "describe_exit",
    "evaluate_version",
    "index_status",
    "quality_gate",
    "start_background_ingest",
]
