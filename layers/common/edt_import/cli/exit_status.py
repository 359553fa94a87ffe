"""The exit statuses of ``edt-import``, one per thing an operator (or a script) does next, and their help text."""

from __future__ import annotations

from edt_import.domain.errors import EdtImportError, ErrorCode

OK = 0
# 1 stays Python's own: an unexpected fault (a bug), printed with its traceback.
REFUSED = 2  # an input or a setting is wrong: fix it, then run again
SOME_FAILED = 3  # sync: part of the plan was not applied; the next sync sends it again
HELD = 4  # the deletion guard held the plan: nothing was sent; review it, then approve it
LMS_UNAVAILABLE = 5  # itslearning could not be reached in time: run again later
LMS_REFUSED = 6  # itslearning refused the credentials or a request: fix the configuration
IN_PROGRESS = 7  # another import of the same establishment is running: run again once it has finished
INTERRUPTED = 130  # Ctrl-C or SIGTERM; a sync keeps what itslearning confirmed
BROKEN_PIPE = 141  # the reader of stdout went away (``| head``), as a shell reports SIGPIPE

_BY_CODE = {
    ErrorCode.LMS_UNAVAILABLE: LMS_UNAVAILABLE,
    ErrorCode.LMS_PROTOCOL_ERROR: LMS_REFUSED,
    ErrorCode.IMPORT_IN_PROGRESS: IN_PROGRESS,
}

HELP = f"""\
exit status:
  {OK}    done
  {REFUSED}    an input or a setting is refused (the message says which); nothing was changed
  {SOME_FAILED}    sync: some actions failed or were not attempted; the next sync sends them again
  {HELD}    plan, sync: the deletion guard holds the plan; nothing was sent ("hold" in the JSON lists the
       deletions and the code that approves them: sync --approve CODE)
  {LMS_UNAVAILABLE}    itslearning could not be reached in time; run again later
  {LMS_REFUSED}    itslearning refused the credentials or a request; fix the configuration
  {IN_PROGRESS}    another sync of the same establishment is running
  {INTERRUPTED}  interrupted (Ctrl-C, SIGTERM); a sync keeps what itslearning confirmed
"""


def status_for(error: EdtImportError) -> int:
    return _BY_CODE.get(error.code, REFUSED)
