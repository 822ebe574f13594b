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
