"""The followed project's pages share one header and one row of tabs; each subdomain adds its tab here.

A tab is (URL name, label). Views render templates extending ``projects/project_base.html`` with the context
of :func:`project_context`, which loads nothing more than the project it is given.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TABS = [
    ("projects:project-detail", _("Vue d’ensemble")),
    ("projects:phase-current", _("Phases SPMM")),
    ("projects:specifications", _("Cahier des charges")),
    ("projects:procurements", _("Marchés publics")),
    ("projects:health", _("Santé")),
    ("projects:milestones", _("Jalons")),
    ("projects:budget", _("Budget")),
    ("projects:indicators", _("Indicateurs")),
    ("projects:risks", _("Risques")),
    ("projects:testing", _("Phase de test")),
    ("projects:communication", _("Communication")),
    ("projects:decisions", _("Décisions")),
]


def project_context(project, active: str, **extra) -> dict:
    """Context of a project page: the mission, the project and its tabs, ``active`` being a URL name."""
    tabs = [
        {
            "url": reverse(name, args=[project.mission_id, project.pk]),
            "label": label,
            "active": name == active,
        }
        for name, label in TABS
    ]
    return {"mission": project.mission, "project": project, "project_tabs": tabs, **extra}
