"""Reports read from the projected tables: the day report (evening dispatch) and the morning brief.

``figures`` computes the numbers as plain data (the admin page and ``--json`` show the same),
``dayreport`` and ``outlook`` lay them out as A4 PDFs with the bundled CJK font embedded,
``charts`` draws the half-hour chart, ``cli`` is `station report` and `station outlook`. No Qt.
See docs/reports.md.
"""
