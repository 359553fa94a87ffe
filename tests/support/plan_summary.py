"""What ``edt-import plan`` prints, as the README documents it: the expected side of the CLI's tests."""

from __future__ import annotations

# The summary's top-level keys, in their documented order.
PLAN_SUMMARY_KEYS = [
    "courses",
    "skipped_lessons",
    "skipped_counts",
    "left_out",
    "subjects",
    "new",
    "matched",
    "unmatched",
    "conflicts",
    "actions",
    "held",
    "hold",
]
