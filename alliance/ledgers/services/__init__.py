"""Uploading, previewing and submitting ledgers; reading versions. Flush, never commit.

The flow: ``stage_upload`` checks and reads the file in the bounded child and keeps it as
a staged upload (so the person can fix the mapping without uploading again);
``preview_staged`` reads it again with new choices (the preview page shows the kept
result of the last reading: ``staged_preview``); ``submit_upload`` reads it once more,
and only when there are no errors makes version n+1 of that organisation's ledger for that
period, atomically (a unique number per ledger: of two racing submissions one wins, the
other gets "another upload finished first"). A refused file leaves only its refusal on
the record. The same file twice for the same ledger is "already imported on …".
"""

from alliance.ledgers.services.allowance import (
    StorageFull,
    TooManyUploads,
    check_quota,
    stored_bytes,
)
from alliance.ledgers.services.submitting import submit_lines, submit_upload
from alliance.ledgers.services.uploads import (
    STAGED_FOR,
    AlreadyImported,
    Choices,
    SubmittedMeanwhile,
    UploadHasErrors,
    UploadRefused,
    check_submitter,
    current_number,
    display_name,
    get_upload,
    preview_staged,
    read_file,
    record_refusal,
    stage_upload,
    staged_choices,
    staged_preview,
)

__all__ = [
    "STAGED_FOR",
    "AlreadyImported",
    "Choices",
    "StorageFull",
    "SubmittedMeanwhile",
    "TooManyUploads",
    "UploadHasErrors",
    "UploadRefused",
    "check_quota",
    "check_submitter",
    "current_number",
    "display_name",
    "get_upload",
    "preview_staged",
    "read_file",
    "record_refusal",
    "stage_upload",
    "staged_choices",
    "staged_preview",
    "stored_bytes",
    "submit_lines",
    "submit_upload",
]
