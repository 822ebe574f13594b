"""Reading, validating, writing and exporting a commune's PST.

* ``readers``: bytes of an uploaded file → rows of cells (CSV, XLSX, ODS), with French refusals; ``xlsx`` and
  ``ods`` stream the workbooks with lxml, ``zipguard`` opens their zip (bombs refused), ``grid`` holds the limits.
* ``mapping``: which column holds what, from the French headers.
* ``tabular``: rows + mapping → the normalized payload (nodes and row errors).
* ``ecomptes``: the regional eComptes XML (format 201805V1) → payload, and a PST → that XML.
* ``apply``: compare a payload with the stored PST (created/updated/unchanged/removed) and write it in bulk.
* ``export``: a PST → XLSX / CSV.

The payload is plain JSON (it is stored on ``PSTImport`` between preview and confirmation)::

    {"meta": {...}, "nodes": [{"level": "os", "key": "os.1", "code": "OS.1", "title": ..., ...}], "warnings": []}
"""


class PSTFileError(Exception):
    """The file cannot be read at all; the message is French and meant for the user."""
