"""The four-part final report: what it says (``content``), how it looks (``document``) and how a version of it
is produced (``pipeline``: a Celery task on the PDF queue, versioned files behind a permission-checked view).

``content.collect(mission)`` takes the snapshot (plain JSON, stored on the version when it is enqueued);
``document.render_html(snapshot)`` turns a snapshot into the HTML both the browser preview and the PDF use.
"""
