from django.urls import path

from diagnostics import views
from diagnostics.views import (
    campaigns,
    findings,
    initiatives,
    interviews,
    inventory,
    privacy,
    questionnaires,
    results,
    synthesis,
    workshops,
)

app_name = "diagnostics"

Q = "questionnaires/<int:questionnaire_id>/"

urlpatterns = [
    path("", views.index, name="index"),
    # Questionnaires and their builder
    path("questionnaires/", questionnaires.questionnaire_list, name="questionnaire-list"),
    path("questionnaires/nouveau/", questionnaires.questionnaire_create, name="questionnaire-create"),
    path(
        "questionnaires/modele-integre/", questionnaires.questionnaire_load_builtin, name="questionnaire-load-builtin"
    ),
    path("questionnaires/mon-modele/", questionnaires.questionnaire_load_template, name="questionnaire-load-template"),
    path(Q, questionnaires.questionnaire_detail, name="questionnaire-detail"),
    path(Q + "modifier/", questionnaires.questionnaire_edit, name="questionnaire-edit"),
    path(Q + "dupliquer/", questionnaires.questionnaire_duplicate, name="questionnaire-duplicate"),
    path(Q + "enregistrer-modele/", questionnaires.questionnaire_save_template, name="questionnaire-save-template"),
    path(Q + "supprimer/", questionnaires.questionnaire_delete, name="questionnaire-delete"),
    path(Q + "apercu/", questionnaires.questionnaire_preview, name="questionnaire-preview"),
    path(Q + "sections/ajouter/", questionnaires.section_add, name="section-add"),
    path(Q + "sections/<int:section_id>/modifier/", questionnaires.section_edit, name="section-edit"),
    path(Q + "sections/<int:section_id>/deplacer/", questionnaires.section_move, name="section-move"),
    path(Q + "sections/<int:section_id>/supprimer/", questionnaires.section_delete, name="section-delete"),
    path(Q + "sections/<int:section_id>/questions/ajouter/", questionnaires.question_add, name="question-add"),
    path(Q + "sections/<int:section_id>/ordre/", questionnaires.section_reorder_questions, name="section-reorder"),
    path(Q + "questions/<int:question_id>/", questionnaires.question_edit, name="question-edit"),
    path(Q + "questions/<int:question_id>/deplacer/", questionnaires.question_move, name="question-move"),
    path(Q + "questions/<int:question_id>/supprimer/", questionnaires.question_delete, name="question-delete"),
    # Results
    path(Q + "resultats/", results.questionnaire_results_view, name="questionnaire-results"),
    path(Q + "export.csv", results.questionnaire_export, {"fmt": "csv"}, name="questionnaire-export-csv"),
    path(Q + "export.xlsx", results.questionnaire_export, {"fmt": "xlsx"}, name="questionnaire-export-xlsx"),
    # Campaigns
    path(Q + "campagnes/nouvelle/", campaigns.campaign_create, name="campaign-create"),
    path("campagnes/<int:campaign_id>/", campaigns.campaign_detail, name="campaign-detail"),
    path("campagnes/<int:campaign_id>/inviter/", campaigns.campaign_invite, name="campaign-invite"),
    path("campagnes/<int:campaign_id>/relancer/", campaigns.campaign_remind, name="campaign-remind"),
    path("campagnes/<int:campaign_id>/cloturer/", campaigns.campaign_close, name="campaign-close"),
    path("campagnes/<int:campaign_id>/lien-public/", campaigns.campaign_publish, name="campaign-publish"),
    path("campagnes/<int:campaign_id>/affiche/", campaigns.campaign_poster, name="campaign-poster"),
    path("campagnes/<int:campaign_id>/repondre/", campaigns.campaign_answer, name="campaign-answer"),
    # A respondent's personal data on request (GDPR): by invitation, or by response when there is none.
    path("donnees-personnelles/", privacy.privacy_search, name="privacy"),
    path(
        "donnees-personnelles/invitation/<int:invitation_id>/export/",
        privacy.privacy_export,
        name="privacy-invitation-export",
    ),
    path(
        "donnees-personnelles/invitation/<int:invitation_id>/effacer/",
        privacy.privacy_erase,
        name="privacy-invitation-erase",
    ),
    path(
        "donnees-personnelles/reponse/<int:response_id>/export/",
        privacy.privacy_export,
        name="privacy-response-export",
    ),
    path(
        "donnees-personnelles/reponse/<int:response_id>/effacer/", privacy.privacy_erase, name="privacy-response-erase"
    ),
    path(
        "donnees-personnelles/atelier/<int:workshop_id>/export/",
        privacy.privacy_workshop_export,
        name="privacy-workshop-export",
    ),
    path(
        "donnees-personnelles/atelier/<int:workshop_id>/effacer/",
        privacy.privacy_workshop_erase,
        name="privacy-workshop-erase",
    ),
]

# Fieldwork: interviews, workshops, existing initiatives, inventory of digital systems.
IV = "entretiens/<int:interview_id>/"
WS = "ateliers/<int:workshop_id>/"
urlpatterns += [
    path("entretiens/", interviews.interviews, name="interviews"),
    path("entretiens/objectif/", interviews.interview_target_set, name="interview-target"),
    path("entretiens/nouveau/", interviews.interview_create, name="interview-create"),
    path(IV, interviews.interview_detail, name="interview-detail"),
    path(IV + "modifier/", interviews.interview_edit, name="interview-edit"),
    path(IV + "etat/", interviews.interview_status, name="interview-status"),
    path(IV + "supprimer/", interviews.interview_delete, name="interview-delete"),
    path("entretiens/guides/", interviews.guides, name="guides"),
    path("entretiens/guides/nouveau/", interviews.guide_create, name="guide-create"),
    path("entretiens/guides/<int:guide_id>/", interviews.guide_detail, name="guide-detail"),
    path("entretiens/guides/<int:guide_id>/modifier/", interviews.guide_edit, name="guide-edit"),
    path("entretiens/guides/<int:guide_id>/copier/", interviews.guide_copy, name="guide-copy"),
    path("ateliers/", workshops.workshops, name="workshops"),
    path("ateliers/nouveau/", workshops.workshop_create, name="workshop-create"),
    path(WS, workshops.workshop_detail, name="workshop-detail"),
    path(WS + "modifier/", workshops.workshop_edit, name="workshop-edit"),
    path(WS + "phase/", workshops.workshop_phase, name="workshop-phase"),
    path(WS + "retenir/", workshops.workshop_select_top, name="workshop-select-top"),
    path(WS + "cartes/", workshops.card_add, name="card-add"),
    path(WS + "cartes/<int:card_id>/", workshops.card_action, name="card-action"),
    path(WS + "votes/retirer/", workshops.votes_delete, name="votes-delete"),
    path("initiatives/", initiatives.initiatives, name="initiatives"),
    path("initiatives/nouvelle/", initiatives.initiative_create, name="initiative-create"),
    path("initiatives/<int:initiative_id>/", initiatives.initiative_edit, name="initiative-edit"),
    path("initiatives/<int:initiative_id>/supprimer/", initiatives.initiative_delete, name="initiative-delete"),
    path("inventaire/", inventory.inventory, name="inventory"),
    path("inventaire/export/", inventory.inventory_export, name="inventory-export"),
    path("inventaire/besoins/", inventory.needs_update, name="inventory-needs"),
    path("inventaire/outils/nouveau/", inventory.system_create, name="system-create"),
    path("inventaire/outils/<int:system_id>/", inventory.system_edit, name="system-edit"),
    path("inventaire/outils/<int:system_id>/supprimer/", inventory.system_delete, name="system-delete"),
    path("inventaire/outils/<int:system_id>/historique/", inventory.system_history, name="system-history"),
    path("inventaire/flux/nouveau/", inventory.flow_create, name="flow-create"),
    path("inventaire/flux/<int:flow_id>/", inventory.flow_edit, name="flow-edit"),
    path("inventaire/flux/<int:flow_id>/supprimer/", inventory.flow_delete, name="flow-delete"),
]

# Findings (needs) and the synthesis of the diagnostic.
FD = "constats/<int:finding_id>/"
urlpatterns += [
    path("constats/", findings.finding_list, name="finding-list"),
    path("constats/nouveau/", findings.finding_create, name="finding-create"),
    path("constats/fusionner/", findings.finding_merge, name="finding-merge"),
    path(FD, findings.finding_detail, name="finding-detail"),
    path(FD + "modifier/", findings.finding_edit, name="finding-edit"),
    path(FD + "historique/", findings.finding_history, name="finding-history"),
    path(FD + "sources/", findings.finding_source_add, name="finding-source-add"),
    path(FD + "sources/pst/", findings.finding_pst_search, name="finding-pst-search"),
    path(FD + "sources/<int:source_id>/retirer/", findings.finding_source_remove, name="finding-source-remove"),
    path(WS + "constats/", findings.findings_from_workshop, name="findings-from-workshop"),
    path(WS + "cartes/<int:card_id>/constat/", findings.finding_from_card, name="finding-from-card"),
    path("synthese/", synthesis.synthesis_view, name="synthesis"),
]
