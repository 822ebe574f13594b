"""Hostile input over every form of the four apps (issue 14): the inventory, and the forms no other suite fuzzes.

The inventory walks every Form, ModelForm and FormSet class of territoire, diagnostics, roadmap and projects:
each must be fuzzed here (``TARGETS``) or by a suite named in ``FUZZED_ELSEWHERE``. A new form without a fuzz
test fails, as a new view without its URL keyword fails the isolation crawler.

The fuzz posts, through the views, the form's own field names with generated values (hostile strings,
huge numbers, impossible dates, NUL, unicode digits, or a plausible value so that the other fields get
validated too): never a 500 (the test client re-raises any exception), never an English message, and when
the form comes back with its errors (400, or 200 for the few views that answer so), not one row written
anywhere.
"""

import functools
import re
from dataclasses import dataclass, field

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostics.forms import campaigns as diagnostic_campaigns
from diagnostics.forms import findings as diagnostic_findings
from diagnostics.forms import interviews as diagnostic_interviews
from diagnostics.forms import inventory as diagnostic_inventory
from diagnostics.forms import questionnaires as diagnostic_questionnaires
from diagnostics.forms import workshops as diagnostic_workshops
from projects.forms import documents as project_documents
from projects.forms import implementation as impl
from projects.forms import phases as project_phases
from projects.forms import procurement as market
from projects.forms import projects as project_forms
from projects.forms import specifications as csc
from roadmap.forms import decisions as roadmap_decisions
from roadmap.forms import scoring as roadmap_scoring
from roadmap.forms import sheets as roadmap_sheets
from roadmap.forms import timeline as roadmap_timeline
from roadmap.forms import workbook as roadmap_workbook
from territoire import forms as territoire_forms
from territoire.pst import forms as pst_forms
from tests.diagnostics.test_forms_fuzz import HOSTILE
from tests.url_kwargs import URL_KWARGS

APPS = ("territoire", "diagnostics", "roadmap", "projects")
FORM_MODULES = [
    territoire_forms,
    pst_forms,
    diagnostic_campaigns,
    diagnostic_findings,
    diagnostic_interviews,
    diagnostic_inventory,
    diagnostic_questionnaires,
    diagnostic_workshops,
    roadmap_decisions,
    roadmap_scoring,
    roadmap_sheets,
    roadmap_timeline,
    roadmap_workbook,
    impl,
    project_documents,
    project_phases,
    market,
    project_forms,
    csc,
]


@dataclass(frozen=True)
class Target:
    """A view and the form(s) it binds; ``fields`` adds names the form builds at run time."""

    url_name: str
    forms: tuple
    fields: tuple = ()
    prefix: str = ""
    method: str = "post"
    kwargs: dict = field(default_factory=dict, hash=False)  # URL keywords filled otherwise than URL_KWARGS
    data: dict = field(default_factory=dict, hash=False)  # values every example posts (name: tenant → value)
    role: str = "consultant"

    def field_names(self) -> list[str]:
        names = [name for form in self.forms for name in getattr(form, "base_fields", {})]
        return [f"{self.prefix}{name}" for name in names] + list(self.fields)


def _formset(prefix, form):
    management = [f"{prefix}-{name}" for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")]
    return tuple(management + [f"{prefix}-0-{name}" for name in form.base_fields] + [f"{prefix}-0-id"])


def _pst_import_with_headers(tenant):
    from tests.territoire.factories import PSTImportFactory

    return PSTImportFactory(commune=tenant.commune, headers=["Code", "Intitulé"])


def _retained_sheet(tenant):
    from roadmap.models import SheetStatus
    from tests.roadmap.factories import ProjectSheetFactory

    return ProjectSheetFactory(mission=tenant.mission, status=SheetStatus.RETAINED).pk


def _checklist_question(tenant):
    from projects.models import ChecklistQuestion

    return ChecklistQuestion.objects.filter(phase="prerequisites", active=True).first().pk


TARGETS = [
    # territoire: the PST (upload, mapping, confirmation, themes, filters).
    Target("territoire:pst-import", (pst_forms.PSTUploadForm,)),
    Target(
        "territoire:pst-import-preview",
        (pst_forms.MappingForm,),
        ("col_0", "col_1", "header_row", "sheet"),
        kwargs={"import_id": lambda tenant: _pst_import_with_headers(tenant).pk},
    ),
    Target("territoire:pst-import-confirm", (pst_forms.ConfirmForm,)),
    Target("territoire:pst-node-tags", (pst_forms.TagForm,)),
    Target("territoire:pst-detail", (pst_forms.TreeFilterForm,), method="get"),
    # roadmap: sheet status and template, timeline, Collège decisions, workbook import.
    Target("roadmap:sheet-status", (roadmap_sheets.StatusForm,)),
    Target("roadmap:sheet-save-template", (roadmap_sheets.TemplateForm,)),
    Target("roadmap:timeline-settings", (roadmap_timeline.TimelineSettingsForm,)),
    Target("roadmap:envelope-edit", (roadmap_timeline.EnvelopeForm,)),
    Target("roadmap:sheet-pin", (roadmap_timeline.PinForm,)),
    Target("roadmap:version-submit", (roadmap_decisions.SubmitForm,)),
    Target("roadmap:version-decide", (roadmap_decisions.DecisionForm,), role="college"),
    Target("roadmap:workbook-import", (roadmap_workbook.WorkbookUploadForm,)),
    Target("roadmap:workbook-import-confirm", (), ("token",)),
    # projects: the project, its SPMM phases.
    Target("projects:project-create", (project_forms.ProjectForm,), kwargs={"sheet_id": _retained_sheet}),
    Target("projects:project-edit", (project_forms.ProjectForm,)),
    Target("projects:phase-move", (project_phases.PhaseMoveForm,), ("vers", "de")),
    Target("projects:answer-save", (project_phases.AnswerForm,), data={"question": _checklist_question}),
    Target("projects:note-add", (project_phases.NoteForm,)),
    Target("projects:document-upload", (project_phases.DocumentForm,)),
    # projects: the CSC.
    Target("projects:specifications", (csc.SpecificationForm,)),
    Target("projects:specification-status", (), ("status",)),
    Target(
        "projects:criteria-edit", (csc.BaseCriteriaFormSet, csc.CriterionForm), _formset("criteria", csc.CriterionForm)
    ),
    Target("projects:requirement-add", (csc.RequirementForm,)),
    Target("projects:lot-add", (csc.LotForm,)),
    Target("projects:section-edit", (csc.SectionForm,), prefix="s{spec_section_id}-"),
    Target("projects:section-reuse", (csc.ReuseForm,)),
    Target("projects:requirement-move", (), ("direction",)),
    # projects: procurement, offers and their evaluation.
    Target("projects:procurements", (market.ProcurementForm,)),
    Target("projects:procurement-edit", (market.ProcurementForm,)),
    Target("projects:procurement-procedure", (market.ProcedureForm,)),
    Target("projects:procurement-timeline", (market.TimelineForm,)),
    Target("projects:provider-add", (market.ProviderForm,)),
    Target("projects:offer-add", (market.OfferForm,)),
    Target("projects:procurement-award", (market.AwardForm,)),
    Target("projects:procurement-evaluation", (), ("p-{offer_id}-1", "c-{offer_id}-1")),
    Target("projects:offer-exclusion", (), ("excluded", "reason")),
    # projects: implementation follow-up.
    Target("projects:milestone-add", (impl.MilestoneForm,)),
    Target("projects:milestone-edit", (impl.MilestoneForm,)),
    Target("projects:commitment-add", (impl.CommitmentForm,)),
    Target("projects:spending-add", (impl.SpendingForm,)),
    Target("projects:indicator-add", (impl.IndicatorForm,)),
    Target("projects:measurement-add", (impl.MeasurementForm,)),
    Target("projects:risk-add", (impl.RiskForm,)),
    Target("projects:risk-edit", (impl.RiskForm,)),
    Target("projects:participant-add", (impl.ParticipantForm,)),
    Target("projects:feedback-add", (impl.FeedbackForm,)),
    Target("projects:test-decision-add", (impl.TestDecisionForm,)),
    Target("projects:communication-add", (impl.CommunicationForm,)),
    Target("projects:communication-edit", (impl.CommunicationForm,)),
    Target("projects:decision-add", (impl.DecisionForm,)),
    Target("projects:health-pause", (impl.PauseForm,)),
]

# Forms fuzzed by the suites written before this one, through their views.
DIAGNOSTIC_SUITE = "tests/diagnostics/test_forms_fuzz.py"
SHEET_SUITE = "tests/roadmap/test_sheet_forms_fuzz.py"
SCORING_SUITE = "tests/roadmap/test_scoring_fuzz.py"
FUZZED_ELSEWHERE = {
    territoire_forms.MissionForm: DIAGNOSTIC_SUITE,
    territoire_forms.PhaseForm: DIAGNOSTIC_SUITE,
    **{
        form: DIAGNOSTIC_SUITE
        for module in (
            diagnostic_campaigns,
            diagnostic_findings,
            diagnostic_interviews,
            diagnostic_inventory,
            diagnostic_questionnaires,
            diagnostic_workshops,
        )
        for form in vars(module).values()
        if isinstance(form, type) and form.__module__ == module.__name__
    },
    **{
        form: SHEET_SUITE
        for form in (
            roadmap_sheets.SheetForm,
            roadmap_sheets.BudgetLineForm,
            roadmap_sheets.FundingLineForm,
            roadmap_sheets.RiskForm,
            roadmap_sheets.IndicatorForm,
        )
    },
    **{
        form: SCORING_SUITE
        for form in (
            roadmap_scoring.ScoringGridForm,
            roadmap_scoring.CriterionForm,
            roadmap_scoring.RankingSettingsForm,
            roadmap_scoring.DefaultCriteriaForm,
            roadmap_scoring.ConsensusForm,
        )
    },
}
# Classes that no view binds: bases that only share fields or checks with the forms above.
BASES = {roadmap_sheets.LineForm, impl.ImplementationForm, impl.BudgetEntryForm}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_form_classes() -> set:
    found = set()
    for base in (forms.BaseForm, forms.BaseFormSet):
        found |= {c for c in _subclasses(base) if c.__module__.split(".")[0] in APPS and ".admin" not in c.__module__}
    return found


def test_every_form_of_the_four_apps_is_fuzzed():
    fuzzed = {form for target in TARGETS for form in target.forms} | set(FUZZED_ELSEWHERE) | BASES
    missing = sorted(f"{c.__module__}.{c.__qualname__}" for c in project_form_classes() - fuzzed)
    assert not missing, f"add a fuzz target (tests/test_forms_fuzz.py TARGETS) for: {missing}"
    assert len(project_form_classes()) > 70, "the walk no longer finds the forms"


def test_every_forms_module_is_imported_here():
    """A forms module this file does not import would hide its classes from the inventory."""
    from tests.conftest import ROOT

    on_disk = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if ("forms" in path.parts or path.stem == "forms") and path.stem != "__init__"
    }
    assert on_disk == {module.__name__ for module in FORM_MODULES}


# --- Building the requests -----------------------------------------------------------------------------

KEYWORD = re.compile(r"\{(\w+)\}")


def _fill(text, tenant):
    return KEYWORD.sub(lambda m: str(URL_KWARGS[m.group(1)](tenant)), text)


def _urls(tenant) -> list[tuple[Target, str, list[str], dict]]:
    """Each target with its URL, its field names and the values every example of it posts."""
    from tests.territoire.test_url_isolation import project_urls

    keywords = dict(project_urls())

    def url(target):
        fill = {**URL_KWARGS, **target.kwargs}
        return reverse(target.url_name, kwargs={k: fill[k](tenant) for k in keywords[target.url_name]})

    return [
        (
            target,
            url(target),
            [_fill(name, tenant) for name in target.field_names()],
            {name: make(tenant) for name, make in target.data.items()},
        )
        for target in TARGETS
    ]


def _plausible(form_field):
    """A value the field would accept alone, so that the other fields of the example get validated too."""
    if isinstance(form_field, forms.BooleanField):
        return st.sampled_from(["on", ""])
    if isinstance(form_field, forms.ModelChoiceField):
        return st.integers(min_value=1, max_value=40).map(str)
    if isinstance(form_field, forms.ChoiceField) and not callable(form_field.choices):
        values = [str(value) for value, _ in form_field.choices if not isinstance(_, (list, tuple))]
        return st.sampled_from(values or [""])
    if isinstance(form_field, forms.DateTimeField):
        return st.sampled_from(["2027-03-01T09:00", "2027-03-01 09:00"])
    if isinstance(form_field, forms.DateField):
        return st.sampled_from(["2027-03-01", "01/03/2027"])
    if isinstance(form_field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return st.sampled_from(["1", "10", "2027", "12500,50"])
    return st.sampled_from(["Texte", "Écoles connectées"])


@functools.cache
def _field_strategies(target: Target) -> dict:
    found = {}
    for form in target.forms:
        for name, form_field in getattr(form, "base_fields", {}).items():
            found[f"{target.prefix}{name}"] = _plausible(form_field)
    return found


def _value(target, name):
    plain = KEYWORD.sub("", name)  # section-edit's prefix: the strategies are keyed by the pattern
    plausible = next((s for key, s in _field_strategies(target).items() if KEYWORD.sub("", key) == plain), None)
    return st.one_of(HOSTILE, plausible) if plausible is not None else HOSTILE


MODELS = [m for m in apps.get_models() if m._meta.app_label in APPS]


def _rows() -> dict:
    return {m._meta.label: m._default_manager.count() for m in MODELS}


# Django's own messages, left in English when a string escapes the French catalogue.
ENGLISH = re.compile(
    r"This field is required|Enter a valid|Select a valid choice|Ensure this value|is not a valid|"
    r"No file was submitted|The submitted file|Upload a valid|Ensure that there are|Please submit"
)


class Rollback(Exception):
    pass


def post_and_roll_back(client, method, url, data):
    """The response and the row counts before and after, in a transaction rolled back afterwards."""
    before = _rows()
    try:
        with transaction.atomic():
            page = getattr(client, method)(url, data)
            after = _rows()
            raise Rollback
    except Rollback:
        pass
    return page, before, after


@settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example database written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_form_answers_500_or_english_or_writes_when_refused(client, tenant_a, data):
    if not hasattr(tenant_a, "_fuzz_targets"):
        tenant_a._fuzz_targets = _urls(tenant_a)
    target, url, names, base = data.draw(st.sampled_from(tenant_a._fuzz_targets), label="target")
    client.force_login(tenant_a.user(target.role))
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, min_size=1), label="fields")
    post = {**base, **{name: data.draw(_value(target, name), label=name) for name in chosen}}
    page, before, after = post_and_roll_back(client, target.method, url, post)
    assert page.status_code < 500, (url, post)
    html = page.content.decode() if not page.streaming else ""
    assert not ENGLISH.search(html), (url, post, ENGLISH.search(html).group())
    # Without htmx, every view redirects after a write: a page sent back is a form refused.
    if page.status_code == 400 or (page.status_code == 200 and target.method == "post"):
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        assert not changed, (url, post, changed)


@pytest.mark.parametrize("target", TARGETS, ids=[t.url_name for t in TARGETS])
def test_each_target_binds_the_forms_it_names(client, tenant_a, target, monkeypatch):
    """Keeps ``TARGETS`` honest: an empty POST to the view binds the form class listed for it."""
    if not target.forms:
        pytest.skip("hand-parsed POST: no form class to bind")
    bound = []
    for form in target.forms:
        original = form.__init__

        def spy(self, *args, __original=original, **kwargs):
            bound.append(type(self))
            __original(self, *args, **kwargs)

        monkeypatch.setattr(form, "__init__", spy)
    _target, url, _names, base = next(entry for entry in _urls(tenant_a) if entry[0] is target)
    client.force_login(tenant_a.user(target.role))
    page, _before, _after = post_and_roll_back(client, target.method, url, base)
    assert page.status_code < 500
    assert any(issubclass(cls, target.forms) for cls in bound), (url, page.status_code, bound)


def test_a_team_member_id_beyond_64_bits_is_refused_in_french_not_a_500(client, tenant_a):
    """Found by the fuzz: the team's ids went to SQLite unchecked (OverflowError)."""
    from projects.models import FollowedProject

    client.force_login(tenant_a.consultant)
    url = reverse("projects:project-create", args=[tenant_a.mission.pk, _retained_sheet(tenant_a)])
    page = client.post(url, {"title": "Projet", "team": str(2**63)})
    assert page.status_code == 200
    assert "n’est pas une valeur correcte" in page.content.decode().replace("&#x27;", "'")
    assert not FollowedProject.objects.exists()
