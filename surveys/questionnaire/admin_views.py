"""The secretariat's questionnaire tools on a campaign: preview in each language, copy from an earlier
campaign, XLSForm import and export. Hung from the campaign's admin (questionnaire_urls), each behind
bigbuyers.staff_views.staff_view: the preview and the export need the permission to view campaigns, the
copy and the import to change them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigbuyers.http import signed_in_user
from surveys import selectors
from surveys.eligibility import BodyType
from surveys.forms import (
    ChallengesForm,
    ConsentForm,
    ContactForm,
    InterestsForm,
    InterviewForm,
    OrganisationForm,
    PurchaseFormSet,
    RecommendationsForm,
)
from surveys.models import Campaign, PurchasingVolume, Size
from surveys.pages import PAGE_KINDS
from surveys.questionnaire import conditions, services
from surveys.questionnaire.fields import CustomPageForm
from surveys.questionnaire.models import PageKind
from surveys.questionnaire.structure import Page, Questionnaire, questionnaire_of
from surveys.questionnaire.xlsform import XLSFormError, export_questionnaire, import_questionnaire

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _names(questionnaire: Questionnaire, campaign: Campaign) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """What conditions read, named for a person: questions by their label, built-in answers by theirs."""
    labels = {"body_type": _("Type of body"), "country": _("Country"), "size": _("Number of staff"),
              "purchasing_volume": _("Yearly purchasing volume"), "interested_areas": _("Areas of interest"),
              "interview_willing": _("Willing to be interviewed")}
    choices = {"body_type": {k: str(v) for k, v in BodyType.choices}, "size": {k: str(v) for k, v in Size.choices},
               "purchasing_volume": {k: str(v) for k, v in PurchasingVolume.choices},
               "interested_areas": {a.code: a.name for a in campaign.areas.all()},
               "interview_willing": {"yes": _("Yes"), "no": _("No")}}
    for q in questionnaire.questions:
        labels[q.key] = str(q.label)
        choices[q.key] = {"yes": _("Yes"), "no": _("No")} if q.kind == "yes_no" else {
            c.key: str(c.label) for c in q.choices.all()}
    return labels, choices


def _in_words(text: str, names: tuple[dict[str, str], dict[str, dict[str, str]]]) -> str:
    try:
        return conditions.describe(conditions.parse(text), *names)
    except conditions.ConditionError:
        return text


def _preview_forms(page: Page, campaign: Campaign, data: Any, names: Any) -> dict[str, Any]:
    areas = selectors.areas_of(campaign)
    if page.kind == PageKind.CUSTOM:
        form = CustomPageForm(data, questions=page.asked, areas=areas, answers={},
                              live={q.pk: q.relevant for q in page.asked if q.relevant})
        for item in form.items:  # every condition in words, whichever page it reads
            if item.question.relevant:
                condition = _in_words(item.question.relevant, names)
                form.fields[item.name].help_text = " ".join(filter(None, [
                    item.question.help_text, _("Only if %(condition)s.") % {"condition": condition}]))
        return {"form": form}
    if page.kind == PageKind.PURCHASES:
        formset = PurchaseFormSet(data, form_kwargs={"areas": areas}, prefix="purchases")
        formset.extra = 1
        return {"formset": formset}
    with_areas = {PageKind.INTERESTS: InterestsForm, PageKind.CHALLENGES: ChallengesForm}
    if page.kind in with_areas:
        return {"form": with_areas[PageKind(page.kind)](data, areas=areas)}
    plain = {PageKind.ORGANISATION: OrganisationForm, PageKind.CONTACT: ContactForm,
             PageKind.RECOMMENDATIONS: RecommendationsForm, PageKind.INTERVIEW: InterviewForm,
             PageKind.CONSENT: ConsentForm}
    return {"form": plain[PageKind(page.kind)](data)}


def preview_view(request: HttpRequest, campaign_id: int, key: str = "") -> HttpResponse:
    """One page of the questionnaire as a respondent sees it, in the language chosen (?language=fr); sending it
    checks the answers and goes on to the next page, saving nothing."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    language = request.GET.get("language", "en")
    if language not in LANGUAGES:
        language = "en"
    with translation.override(language):
        questionnaire = questionnaire_of(campaign.pk)
        page = questionnaire.page(key or questionnaire.keys[0])
        if page is None:
            raise Http404
        names = _names(questionnaire, campaign)
        forms_ = _preview_forms(page, campaign, request.POST if request.method == "POST" else None, names)
        keys = questionnaire.keys
        index = keys.index(page.key)

        def url(target: str) -> str:
            return reverse("admin:surveys_campaign_preview", args=[campaign.pk, target]) + f"?language={language}"

        if request.method == "POST" and all(f.is_valid() for f in forms_.values()):
            if "back" in request.POST and index > 0:
                return redirect(url(keys[index - 1]))
            if index + 1 < len(keys):
                return redirect(url(keys[index + 1]))
            messages.success(request, _("This is the end of the questionnaire: in the survey, the review page comes next."))
            return redirect(url(page.key))
        return render(request, PAGE_KINDS[page.kind].template, {
            "campaign": campaign, "response": None, "steps": questionnaire.pages, "steps_done": [], "step": page,
            "previous": keys[index - 1] if index else None, "deadline": campaign.deadline, "is_open": True,
            "preview": True, "preview_language": language,
            "preview_languages": [(code, translation.get_language_info(code)["name_local"].capitalize())
                                  for code in LANGUAGES],
            "preview_condition": _in_words(page.relevant, names) if page.relevant else "",
            "preview_admin_url": reverse("admin:surveys_campaign_change", args=[campaign.pk]), **forms_,
        }, status=400 if request.method == "POST" else 200)


class CopyForm(forms.Form):
    source: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(
        label=gettext_lazy("Copy the questionnaire of"), queryset=Campaign.objects.none(), empty_label=None)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ModelChoiceField)
        source.queryset = Campaign.objects.exclude(pk=campaign.pk).order_by("-opens_at")


def copy_view(request: HttpRequest, campaign_id: int, *, site: AdminSite) -> HttpResponse:
    """Start the campaign's questionnaire as a copy of an earlier campaign's."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    form = CopyForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.copy_questionnaire(form.cleaned_data["source"], campaign, by=signed_in_user(request))
        except services.QuestionnaireHasAnswers:
            form.add_error(None, _("This campaign's questions already have answers: its questionnaire cannot be "
                                   "replaced. Change it question by question instead."))
        else:
            messages.success(request, _("The questionnaire was copied (%(count)d questions).") % {"count": count})
            return redirect("admin:surveys_campaign_change", campaign.pk)
    return render(request, "admin/surveys/questionnaire_copy.html", {
        **site.each_context(request), "title": _("Copy a questionnaire into %(name)s") % {"name": campaign.name},
        "campaign": campaign, "form": form, "opts": Campaign._meta, "original": campaign,
    }, status=400 if form.errors else 200)


class ImportForm(forms.Form):
    workbook = forms.FileField(label=gettext_lazy("XLSForm workbook (.xlsx)"),
                               help_text=gettext_lazy("The survey, choices and settings sheets of an XLSForm; it "
                                                      "replaces this campaign's questionnaire."))

    def clean_workbook(self) -> Any:
        workbook = self.cleaned_data["workbook"]
        if not workbook.name.lower().endswith(".xlsx") or workbook.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Choose an .xlsx workbook of at most 5 MB."))
        return workbook


def import_view(request: HttpRequest, campaign_id: int, *, site: AdminSite) -> HttpResponse:
    """Replace the campaign's questionnaire with an XLSForm; a refused form is listed row by row, nothing changed."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = import_questionnaire(campaign, form.cleaned_data["workbook"], by=signed_in_user(request))
        except XLSFormError as error:
            problems = error.problems
        except services.QuestionnaireHasAnswers:
            problems = [_("This campaign's questions already have answers: its questionnaire cannot be replaced.")]
        else:
            messages.success(request, _("The questionnaire was imported (%(count)d questions).") % {"count": count})
            return redirect("admin:surveys_campaign_change", campaign.pk)
    return render(request, "admin/surveys/questionnaire_import.html", {
        **site.each_context(request), "title": _("Import a questionnaire into %(name)s") % {"name": campaign.name},
        "campaign": campaign, "form": form, "problems": problems, "opts": Campaign._meta, "original": campaign,
    }, status=400 if form.errors or problems else 200)


def export_view(request: HttpRequest, campaign_id: int) -> FileResponse:
    """The campaign's questionnaire as an XLSForm workbook."""
    import io

    campaign = get_object_or_404(Campaign, pk=campaign_id)
    buffer = io.BytesIO()
    export_questionnaire(campaign, buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True,
                        filename=f"questionnaire-{campaign.slug}-{timezone.localdate().isoformat()}.xlsx")
