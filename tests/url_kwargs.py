"""How to fill each URL keyword with an object of a given tenant, for the isolation crawler.

A new view whose URL takes a new keyword (``<int:campaign_id>``...) needs a line here, or
``tests/territoire/test_url_isolation.py`` fails and says so. Each function takes a ``Tenant``
(see ``tests/conftest.py``) and returns the value to put in the URL; it may create objects.
"""

URL_KWARGS = {
    "commune_id": lambda tenant: _commune_with_logo(tenant).pk,
    "mission_id": lambda tenant: tenant.mission.pk,
    "pst_id": lambda tenant: _pst(tenant).pk,
    "import_id": lambda tenant: _pst_import(tenant).pk,
    "node_id": lambda tenant: _pst_node(tenant).pk,
    "questionnaire_id": lambda tenant: _diagnostics(tenant)["questionnaire"].pk,
    "section_id": lambda tenant: _diagnostics(tenant)["section"].pk,
    "question_id": lambda tenant: _diagnostics(tenant)["question"].pk,
    "campaign_id": lambda tenant: _diagnostics(tenant)["campaign"].pk,
    # Respondents' links (public: crawled for their contents, not for a login).
    "token": lambda tenant: _invitation(tenant).token,
    "public_token": lambda tenant: _public_campaign(tenant).public_token,
    # A respondent's personal data (GDPR): an invitation, and a response to it.
    "invitation_id": lambda tenant: _invitation(tenant).pk,
    "response_id": lambda tenant: _response(tenant).pk,
    # Fieldwork of the diagnostic (tests/diagnostics/factories_fieldwork.py).
    "interview_id": lambda tenant: _fieldwork(tenant)["interview"].pk,
    "guide_id": lambda tenant: _fieldwork(tenant)["guide"].pk,
    "workshop_id": lambda tenant: _fieldwork(tenant)["workshop"].pk,
    "workshop_token": lambda tenant: _fieldwork(tenant)["workshop"].public_token,
    "card_id": lambda tenant: _fieldwork(tenant)["card"].pk,
    "system_id": lambda tenant: _fieldwork(tenant)["system"].pk,
    "flow_id": lambda tenant: _fieldwork(tenant)["flow"].pk,
    "initiative_id": lambda tenant: _fieldwork(tenant)["initiative"].pk,
    # Findings (tests/diagnostics/factories_findings.py).
    "finding_id": lambda tenant: _findings(tenant)["finding"].pk,
    "source_id": lambda tenant: _findings(tenant)["source"].pk,
    # Export jobs (tests/territoire/factories.py): asked by the commune's consultant.
    "job_id": lambda tenant: _export_job(tenant).pk,
    # Roadmap (tests/roadmap/factories.py): a sheet with its lines; a template saved by the tenant's consultant.
    "sheet_id": lambda tenant: _roadmap(tenant)["sheet"].pk,
    "template_id": lambda tenant: _roadmap(tenant)["template"].pk,
    "criterion_id": lambda tenant: _scoring(tenant)["criterion"].pk,
    "version_id": lambda tenant: _versions(tenant)["version"].pk,
    # Final report: a rendered version (with its file) of the tenant's mission.
    "report_id": lambda tenant: _reports(tenant)["report"].pk,
    # AMO follow-up (tests/projects/factories.py): a followed project of the tenant's mission.
    "project_id": lambda tenant: _projects(tenant)["project"].pk,
    # Implementation follow-up (tests/projects/factories_implementation.py): one row of each kind on that project.
    "milestone_id": lambda tenant: _implementation(tenant)["milestone"].pk,
    "commitment_id": lambda tenant: _implementation(tenant)["commitment"].pk,
    "spending_id": lambda tenant: _implementation(tenant)["spending"].pk,
    "indicator_id": lambda tenant: _implementation(tenant)["indicator"].pk,
    "measurement_id": lambda tenant: _implementation(tenant)["measurement"].pk,
    "risk_id": lambda tenant: _implementation(tenant)["risk"].pk,
    "participant_id": lambda tenant: _implementation(tenant)["participant"].pk,
    "feedback_id": lambda tenant: _implementation(tenant)["feedback"].pk,
    "communication_id": lambda tenant: _implementation(tenant)["action"].pk,
    # SPMM phases (tests/projects/factories_phases.py): a phase by its value, a document of the project above.
    "phase": lambda tenant: "prerequisites",
    "phase_document_id": lambda tenant: _project_phases(tenant)["document"].pk,
    # CSC and procurement (tests/projects/factories_csc.py).
    "specification_id": lambda tenant: _csc(tenant)["specification"].pk,
    "spec_section_id": lambda tenant: _csc(tenant)["section"].pk,
    "requirement_id": lambda tenant: _csc(tenant)["requirement"].pk,
    "lot_id": lambda tenant: _csc(tenant)["lot"].pk,
    "render_id": lambda tenant: _csc(tenant)["render"].pk,
    "procurement_id": lambda tenant: _csc(tenant)["procurement"].pk,
    "offer_id": lambda tenant: _csc(tenant)["offer"].pk,
    "offer_document_id": lambda tenant: _csc(tenant)["document"].pk,
}

# Who opens a URL in the positive control when the mission's consultant may not (default: consultant).
OWNER_ROLES = {
    # Staff answer the staff campaign of tests/diagnostics/factories.py::tenant_objects.
    "diagnostics:campaign-answer": "staff",
}

# What staff and the Collège of the commune itself get on each tenant URL (with their own commune's object in it),
# as (staff, Collège): NO (GET and POST refused: 403 or 404), READ (GET answers, an empty POST is refused) or WRITE
# (GET and an empty POST both answer: the role may submit there, or the page answers a POST as it does a GET).
# Read from what the views do today through territoire/access.py (tests/territoire/test_url_isolation.py checks
# it): a new URL fails that test until it has its line here. In the fixtures the staff member leads no followed
# project, so projects' pages are read-only for them (``can_edit_project``); the owner of OWNER_ROLES is not checked.
NO, READ, WRITE = "no", "read", "write"
SAME_COMMUNE_ACCESS = {
    "diagnostics:campaign-answer": (WRITE, NO),
    "diagnostics:campaign-close": (NO, NO),
    "diagnostics:campaign-create": (NO, NO),
    "diagnostics:campaign-detail": (NO, NO),
    "diagnostics:campaign-invite": (NO, NO),
    "diagnostics:campaign-poster": (NO, NO),
    "diagnostics:campaign-publish": (NO, NO),
    "diagnostics:campaign-remind": (NO, NO),
    "diagnostics:card-action": (NO, NO),
    "diagnostics:card-add": (NO, NO),
    "diagnostics:finding-create": (NO, NO),
    "diagnostics:finding-detail": (WRITE, WRITE),
    "diagnostics:finding-edit": (NO, NO),
    "diagnostics:finding-from-card": (NO, NO),
    "diagnostics:finding-history": (NO, NO),
    "diagnostics:finding-list": (WRITE, WRITE),
    "diagnostics:finding-merge": (NO, NO),
    "diagnostics:finding-pst-search": (NO, NO),
    "diagnostics:finding-source-add": (NO, NO),
    "diagnostics:finding-source-remove": (NO, NO),
    "diagnostics:findings-from-workshop": (NO, NO),
    "diagnostics:flow-create": (WRITE, NO),
    "diagnostics:flow-delete": (WRITE, NO),
    "diagnostics:flow-edit": (WRITE, NO),
    "diagnostics:guide-copy": (NO, NO),
    "diagnostics:guide-create": (NO, NO),
    "diagnostics:guide-detail": (NO, NO),
    "diagnostics:guide-edit": (NO, NO),
    "diagnostics:guides": (NO, NO),
    "diagnostics:index": (WRITE, WRITE),
    "diagnostics:initiative-create": (WRITE, NO),
    "diagnostics:initiative-delete": (WRITE, NO),
    "diagnostics:initiative-edit": (WRITE, NO),
    "diagnostics:initiatives": (WRITE, WRITE),
    "diagnostics:interview-create": (NO, NO),
    "diagnostics:interview-delete": (NO, NO),
    "diagnostics:interview-detail": (NO, NO),
    "diagnostics:interview-edit": (NO, NO),
    "diagnostics:interview-status": (NO, NO),
    "diagnostics:interview-target": (NO, NO),
    "diagnostics:interviews": (NO, NO),
    "diagnostics:inventory": (WRITE, WRITE),
    "diagnostics:inventory-export": (WRITE, WRITE),
    "diagnostics:inventory-needs": (WRITE, NO),
    "diagnostics:privacy": (NO, NO),
    "diagnostics:privacy-invitation-erase": (NO, NO),
    "diagnostics:privacy-invitation-export": (NO, NO),
    "diagnostics:privacy-response-erase": (NO, NO),
    "diagnostics:privacy-response-export": (NO, NO),
    "diagnostics:privacy-workshop-erase": (NO, NO),
    "diagnostics:privacy-workshop-export": (NO, NO),
    "diagnostics:question-add": (NO, NO),
    "diagnostics:question-delete": (NO, NO),
    "diagnostics:question-edit": (NO, NO),
    "diagnostics:question-move": (NO, NO),
    "diagnostics:questionnaire-create": (NO, NO),
    "diagnostics:questionnaire-delete": (NO, NO),
    "diagnostics:questionnaire-detail": (NO, NO),
    "diagnostics:questionnaire-duplicate": (NO, NO),
    "diagnostics:questionnaire-edit": (NO, NO),
    "diagnostics:questionnaire-export-csv": (NO, WRITE),
    "diagnostics:questionnaire-export-xlsx": (NO, WRITE),
    "diagnostics:questionnaire-list": (WRITE, WRITE),
    "diagnostics:questionnaire-load-builtin": (NO, NO),
    "diagnostics:questionnaire-load-template": (NO, NO),
    "diagnostics:questionnaire-preview": (NO, NO),
    "diagnostics:questionnaire-results": (NO, WRITE),
    "diagnostics:questionnaire-save-template": (NO, NO),
    "diagnostics:section-add": (NO, NO),
    "diagnostics:section-delete": (NO, NO),
    "diagnostics:section-edit": (NO, NO),
    "diagnostics:section-move": (NO, NO),
    "diagnostics:section-reorder": (NO, NO),
    "diagnostics:synthesis": (WRITE, WRITE),
    "diagnostics:system-create": (WRITE, NO),
    "diagnostics:system-delete": (WRITE, NO),
    "diagnostics:system-edit": (WRITE, NO),
    "diagnostics:system-history": (WRITE, NO),
    "diagnostics:votes-delete": (NO, NO),
    "diagnostics:workshop-create": (NO, NO),
    "diagnostics:workshop-detail": (WRITE, WRITE),
    "diagnostics:workshop-edit": (NO, NO),
    "diagnostics:workshop-phase": (NO, NO),
    "diagnostics:workshop-select-top": (NO, NO),
    "diagnostics:workshops": (WRITE, WRITE),
    "projects:answer-save": (NO, NO),
    "projects:award-report": (WRITE, WRITE),
    "projects:budget": (WRITE, WRITE),
    "projects:commitment-add": (NO, NO),
    "projects:commitment-delete": (NO, NO),
    "projects:communication": (WRITE, WRITE),
    "projects:communication-add": (NO, NO),
    "projects:communication-delete": (NO, NO),
    "projects:communication-edit": (NO, NO),
    "projects:criteria-edit": (NO, NO),
    "projects:decision-add": (NO, NO),
    "projects:decisions": (WRITE, WRITE),
    "projects:document-download": (WRITE, WRITE),
    "projects:document-upload": (NO, NO),
    "projects:feedback-add": (NO, NO),
    "projects:feedback-delete": (NO, NO),
    "projects:health": (WRITE, WRITE),
    "projects:health-pause": (NO, NO),
    "projects:index": (WRITE, WRITE),
    "projects:indicator-add": (NO, NO),
    "projects:indicator-delete": (NO, NO),
    "projects:indicators": (WRITE, WRITE),
    "projects:lot-add": (NO, NO),
    "projects:lot-delete": (NO, NO),
    "projects:measurement-add": (NO, NO),
    "projects:measurement-delete": (NO, NO),
    "projects:milestone-add": (NO, NO),
    "projects:milestone-delete": (NO, NO),
    "projects:milestone-edit": (NO, NO),
    "projects:milestones": (WRITE, WRITE),
    "projects:note-add": (NO, NO),
    "projects:offer-add": (NO, NO),
    "projects:offer-document": (WRITE, WRITE),
    "projects:offer-exclusion": (NO, NO),
    "projects:participant-add": (NO, NO),
    "projects:participant-delete": (NO, NO),
    "projects:phase-current": (WRITE, WRITE),
    "projects:phase-detail": (WRITE, WRITE),
    "projects:phase-move": (NO, NO),
    "projects:procurement-award": (NO, NO),
    "projects:procurement-detail": (WRITE, WRITE),
    "projects:procurement-edit": (NO, NO),
    "projects:procurement-evaluation": (READ, READ),
    "projects:procurement-procedure": (NO, NO),
    "projects:procurement-timeline": (NO, NO),
    "projects:procurements": (READ, READ),
    "projects:project-create": (NO, NO),
    "projects:project-detail": (WRITE, WRITE),
    "projects:project-edit": (NO, NO),
    "projects:provider-add": (NO, NO),
    "projects:render-detail": (WRITE, WRITE),
    "projects:render-download": (WRITE, WRITE),
    "projects:requirement-add": (NO, NO),
    "projects:requirement-delete": (NO, NO),
    "projects:requirement-move": (NO, NO),
    "projects:risk-add": (NO, NO),
    "projects:risk-delete": (NO, NO),
    "projects:risk-edit": (NO, NO),
    "projects:risks": (WRITE, WRITE),
    "projects:section-edit": (NO, NO),
    "projects:section-reuse": (NO, NO),
    "projects:specification-detail": (WRITE, WRITE),
    "projects:specification-draft": (NO, NO),
    "projects:specification-render": (WRITE, WRITE),
    "projects:specification-status": (NO, NO),
    "projects:specifications": (READ, READ),
    "projects:spending-add": (NO, NO),
    "projects:spending-delete": (NO, NO),
    "projects:test-decision-add": (NO, NO),
    "projects:testing": (WRITE, WRITE),
    "roadmap:consensus-edit": (NO, NO),
    "roadmap:criteria": (WRITE, WRITE),
    "roadmap:criteria-defaults": (NO, NO),
    "roadmap:criterion-edit": (NO, NO),
    "roadmap:envelope-edit": (NO, NO),
    "roadmap:index": (WRITE, WRITE),
    "roadmap:ranking": (WRITE, WRITE),
    "roadmap:ranking-settings": (NO, NO),
    "roadmap:report-annex": (WRITE, WRITE),
    "roadmap:report-deliver": (NO, NO),
    "roadmap:report-download": (WRITE, WRITE),
    "roadmap:report-generate": (NO, NO),
    "roadmap:report-preview": (NO, NO),
    "roadmap:report-retry": (NO, NO),
    "roadmap:report-status": (NO, NO),
    "roadmap:reports": (WRITE, WRITE),
    "roadmap:scoring-grid": (NO, NO),
    "roadmap:sheet-create": (NO, NO),
    "roadmap:sheet-detail": (WRITE, WRITE),
    "roadmap:sheet-duplicate": (NO, NO),
    "roadmap:sheet-edit": (NO, NO),
    "roadmap:sheet-from-finding": (NO, NO),
    "roadmap:sheet-from-template": (NO, NO),
    "roadmap:sheet-history": (WRITE, WRITE),
    "roadmap:sheet-list": (WRITE, WRITE),
    "roadmap:sheet-pin": (NO, NO),
    "roadmap:sheet-save-template": (NO, NO),
    "roadmap:sheet-status": (NO, NO),
    "roadmap:sheet-unpin": (NO, NO),
    "roadmap:template-delete": (NO, NO),
    "roadmap:template-list": (NO, NO),
    "roadmap:timeline": (WRITE, WRITE),
    "roadmap:timeline-settings": (NO, NO),
    "roadmap:version-decide": (NO, WRITE),
    "roadmap:version-detail": (WRITE, WRITE),
    "roadmap:version-submit": (NO, NO),
    "roadmap:versions": (WRITE, WRITE),
    "roadmap:workbook-export": (WRITE, WRITE),
    "roadmap:workbook-import": (NO, NO),
    "roadmap:workbook-import-confirm": (NO, NO),
    "territoire:commune-detail": (WRITE, WRITE),
    "territoire:commune-logo": (WRITE, WRITE),
    "territoire:export-job": (NO, NO),
    "territoire:export-job-download": (NO, NO),
    "territoire:export-job-retry": (NO, NO),
    "territoire:mission-create": (NO, NO),
    "territoire:mission-detail": (WRITE, WRITE),
    "territoire:mission-edit": (NO, NO),
    "territoire:mission-phase": (NO, NO),
    "territoire:pst-detail": (WRITE, WRITE),
    "territoire:pst-export-csv": (WRITE, WRITE),
    "territoire:pst-export-xlsx": (WRITE, WRITE),
    "territoire:pst-export-xml": (WRITE, WRITE),
    "territoire:pst-import": (WRITE, NO),
    "territoire:pst-import-confirm": (WRITE, NO),
    "territoire:pst-import-file": (WRITE, NO),
    "territoire:pst-import-preview": (WRITE, READ),
    "territoire:pst-index": (WRITE, WRITE),
    "territoire:pst-node": (WRITE, WRITE),
    "territoire:pst-node-tags": (NO, NO),
    "territoire:pst-node-tags-inline": (NO, NO),
}

# URLs that answer without login by design (public links, health probe, auth pages).
PUBLIC_URL_NAMES = {
    "health",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Questionnaire respondents' links (tests/diagnostics/test_respond.py).
    "respond:fill",
    "respond:answer",
    "respond:public",
    # Workshop participants' link (tests/diagnostics/test_workshops.py).
    "respond:workshop",
    "respond:workshop-vote",
}


def _commune_with_logo(tenant):
    """The tenant's commune, with a logo so that the logo URL has a file to serve (or to refuse)."""
    from django.core.files.base import ContentFile

    commune = tenant.commune
    if not commune.logo:
        commune.logo.save("logo.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), save=True)
    return commune


def _pst(tenant):
    from tests.territoire.factories import PSTFactory

    return PSTFactory(commune=tenant.commune)


def _pst_import(tenant):
    from tests.territoire.factories import PSTImportFactory

    return PSTImportFactory(commune=tenant.commune)


def _pst_node(tenant):
    from tests.territoire.factories import PSTNodeFactory

    return PSTNodeFactory(pst=_pst(tenant))


def _export_job(tenant):
    from tests.territoire.factories import ExportJobFactory

    return ExportJobFactory(commune=tenant.commune, mission=tenant.mission, requested_by=tenant.consultant)


def _diagnostics(tenant):
    from tests.diagnostics.factories import tenant_objects

    return tenant_objects(tenant)


def _invitation(tenant):
    from tests.diagnostics.factories import InvitationFactory

    cache = tenant.__dict__.setdefault("_respondents", {})
    if "invitation" not in cache:
        cache["invitation"] = InvitationFactory(campaign=_diagnostics(tenant)["campaign"])
    return cache["invitation"]


def _response(tenant):
    from diagnostics.models import Response

    invitation = _invitation(tenant)
    return Response.objects.get_or_create(campaign=invitation.campaign, invitation=invitation)[0]


def _public_campaign(tenant):
    campaign = _diagnostics(tenant)["campaign"]
    if not campaign.public_token:
        campaign.public_token = f"public-{campaign.pk}-{tenant.commune.pk}"
        campaign.save(update_fields=["public_token"])
    return campaign


def _fieldwork(tenant):
    from tests.diagnostics.factories_fieldwork import fieldwork_objects

    return fieldwork_objects(tenant)


def _findings(tenant):
    from tests.diagnostics.factories_findings import finding_objects

    return finding_objects(tenant)


def _roadmap(tenant):
    from tests.roadmap.factories import roadmap_objects

    return roadmap_objects(tenant)


def _scoring(tenant):
    from tests.roadmap.factories import scoring_objects

    return scoring_objects(tenant)


def _versions(tenant):
    from tests.roadmap.factories import version_objects

    return version_objects(tenant)


def _projects(tenant):
    from tests.projects.factories import project_objects

    return project_objects(tenant)


def _implementation(tenant):
    from tests.projects.factories_implementation import implementation_objects

    return implementation_objects(tenant)


def _project_phases(tenant):
    from tests.projects.factories_phases import phase_objects

    return phase_objects(tenant)


def _csc(tenant):
    from tests.projects.factories_csc import csc_objects

    return csc_objects(tenant)


def _reports(tenant):
    from tests.roadmap.factories import report_objects

    return report_objects(tenant)
