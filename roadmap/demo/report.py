"""The demo's final report: one version of the roadmap mission's report, rendered now and handed to the Collège.

Rendered synchronously with the worker's code path (``pipeline.render_version``), so that a Collège member of the
demo finds a report to download on their dashboard. Seeding twice gives the same result: the mission's earlier
versions and their files are removed first.
"""

import logging

from roadmap.models import ReportStatus, ReportVersion
from roadmap.report import pipeline

logger = logging.getLogger(__name__)


def seed(mission, *, by) -> ReportVersion | None:
    clear(mission)
    version = pipeline.create_version(mission, user=by)
    result = pipeline.render_version(version.pk)
    if result.version.status != ReportStatus.DONE:
        logger.warning("demo_report_failed mission=%s error=%s", mission.pk, result.version.error)
        return None
    pipeline.deliver_report(result.version, user=by)
    logger.info(
        "demo_report_seeded mission=%s pages=%s seconds=%.1f", mission.pk, result.version.pages, result.seconds
    )
    return result.version


def clear(mission) -> None:
    for version in ReportVersion.objects.filter(mission=mission).defer("snapshot"):
        if version.file:
            version.file.delete(save=False)
        version.delete()
