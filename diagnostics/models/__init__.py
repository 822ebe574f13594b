"""Models of the diagnostic. One module per part: questionnaires and campaigns now; interviews,
workshops and the inventory of digital systems come as sibling modules."""

from diagnostics.models.campaigns import (
    Answer,
    AnswerItem,
    Audience,
    Campaign,
    Erasure,
    Invitation,
    Response,
    ResultTally,
)
from diagnostics.models.findings import SOURCE_FIELDS, Finding, FindingSource, Importance, SourceKind
from diagnostics.models.interviews import (
    GuideQuestion,
    Interview,
    InterviewAudience,
    Interviewee,
    InterviewGuide,
    InterviewTarget,
)
from diagnostics.models.inventory import (
    DataFlow,
    DigitalSystem,
    FunctionCategory,
    Hosting,
    Initiative,
    Need,
    PlannedNeed,
)
from diagnostics.models.questionnaires import (
    CHOICE_TYPES,
    LIKERT_LABELS,
    SCORED_TYPES,
    TEXT_TYPES,
    Choice,
    Question,
    Questionnaire,
    QuestionType,
    Section,
)
from diagnostics.models.workshops import CardVote, ChallengeCard, Workshop

__all__ = [
    "CHOICE_TYPES",
    "LIKERT_LABELS",
    "SCORED_TYPES",
    "TEXT_TYPES",
    "Answer",
    "AnswerItem",
    "Audience",
    "Campaign",
    "Choice",
    "Erasure",
    "Invitation",
    "Question",
    "QuestionType",
    "Questionnaire",
    "Response",
    "ResultTally",
    "Section",
    # Fieldwork: interviews, workshops, inventory of digital systems, initiatives.
    "CardVote",
    "ChallengeCard",
    "DataFlow",
    "DigitalSystem",
    "FunctionCategory",
    "GuideQuestion",
    "Hosting",
    "Initiative",
    "Interview",
    "InterviewAudience",
    "InterviewGuide",
    "InterviewTarget",
    "Interviewee",
    "Need",
    "PlannedNeed",
    "Workshop",
    # Findings (needs) drawn from all of the above.
    "SOURCE_FIELDS",
    "Finding",
    "FindingSource",
    "Importance",
    "SourceKind",
]
