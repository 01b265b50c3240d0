"""The secretariat designs a campaign's questionnaire in the admin.

* On the campaign: its pages in order (built-in and its own), each with its title in every language and
  its condition; the shape's rules are checked on saving (surveys/questionnaire/rules.py).
* A page: its texts, its condition and its questions (each opens on a page of its own).
* A question: its texts in every language, its kind and limits, its condition (checked against the keys
  of the earlier pages, the message naming an unknown key or operator), its choices, whether it is retired,
  and its wording history. Once answered, it can be retired but not deleted, and neither its kind nor its
  key changes; a choice with answers is retired, not deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from bigbuyers.admin import RecordInline
from bigbuyers.http import signed_in_user
from surveys.models import Campaign
from surveys.questionnaire import services
from surveys.questionnaire.models import (
    Answer,
    AnswerChoice,
    Choice,
    PageKind,
    Question,
    QuestionnairePage,
    QuestionWording,
)
from surveys.questionnaire.rules import PageSpec, QuestionSpec, check_structure
from surveys.questionnaire.structure import BUILT_IN_KEYS


def questionnaire_urls(site: admin.AdminSite) -> list[Any]:
    """The campaign's questionnaire tools (surveys/questionnaire/admin_views.py), under the campaign's admin:
    the preview and the export for those who may view campaigns, the copy and the import for those who may
    change them."""
    from functools import partial

    from django.urls import path

    from bigbuyers.staff_views import staff_view
    from surveys.questionnaire import admin_views

    def viewing(view: Any) -> Any:
        return staff_view(view, permission="surveys.view_campaign", site=site)

    def changing(view: Any) -> Any:
        return staff_view(view, permission="surveys.change_campaign", site=site)

    return [
        path("<int:campaign_id>/questionnaire/preview/", viewing(admin_views.preview_view),
             name="surveys_campaign_preview_start"),
        path("<int:campaign_id>/questionnaire/preview/<str:key>/", viewing(admin_views.preview_view),
             name="surveys_campaign_preview"),
        path("<int:campaign_id>/questionnaire/copy/", changing(partial(admin_views.copy_view, site=site)),
             name="surveys_campaign_questionnaire_copy"),
        path("<int:campaign_id>/questionnaire/import/", changing(partial(admin_views.import_view, site=site)),
             name="surveys_campaign_questionnaire_import"),
        path("<int:campaign_id>/questionnaire/export/", viewing(admin_views.export_view),
             name="surveys_campaign_questionnaire_export"),
    ]


CONDITION_HELP = gettext_lazy(
    "XLSForm's relevant syntax: ${key} for an earlier answer, = != < > <= >=, and, or, not(…), "
    "selected(${key}, 'choice'), count-selected(${key}); texts in quotes, e.g. ${joint} = 'yes' and ${budget} > 100000. "
    "“Is one of”: ${size} = 'large' or ${size} = 'very_large'. Empty: always shown.")


def _specs(campaign: Campaign, *, pages: list[QuestionnairePage] | None = None,
           question: Question | None = None) -> list[PageSpec]:
    """The campaign's questionnaire as the rules see it, with `pages` or one `question` as about to be saved."""
    rows = pages if pages is not None else list(QuestionnairePage.objects.filter(campaign=campaign))
    rows = sorted(rows, key=lambda r: (r.position, r.pk or 0))
    questions: dict[int | None, list[Question]] = {}
    for q in Question.objects.filter(campaign=campaign, retired_at=None).order_by("position", "pk"):
        if question is None or q.pk != question.pk:
            questions.setdefault(q.page_id, []).append(q)
    if question is not None and question.retired_at is None:
        own = questions.setdefault(question.page_id, [])
        own.append(question)
        own.sort(key=lambda q: (q.position, q.pk or float("inf")))  # a new question goes after its equals
    return [PageSpec(r.kind, r.key, r.relevant, [QuestionSpec(q.key, q.per_area, q.relevant) for q in questions.get(r.pk, [])])
            for r in rows]


def available_keys(page: QuestionnairePage | None) -> str:
    """The keys a condition on `page` may read, with the choices of each, for the help text."""
    if page is None:
        return ""
    lines = []
    for row in QuestionnairePage.objects.filter(campaign_id=page.campaign_id).order_by("position", "pk"):
        lines += [(key, _("built-in answer")) for key in BUILT_IN_KEYS.get(row.kind, ()) if row.position < page.position]
        for q in Question.objects.filter(page=row, retired_at=None).prefetch_related("choices"):
            if row.position <= page.position and not q.per_area:
                choices = ", ".join(c.key for c in q.choices.all()) or ("yes, no" if q.kind == "yes_no" else "")
                lines.append((q.key, f"{q.get_kind_display()}{': ' + choices if choices else ''}"))
    return format_html_join(", ", "<code>${{{}}}</code> ({})", lines)


class QuestionnairePageInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = []
        for form in self.forms:
            if not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk and Question.objects.filter(page=form.instance).exists():
                    raise forms.ValidationError(_("The page “%(key)s” has questions: move or delete them first.")
                                                % {"key": form.instance.key})
                continue
            kept.append(form.instance)
        if kept:
            problems = check_structure(_specs(self.instance, pages=kept))
            if problems:
                raise forms.ValidationError(problems)


class QuestionnairePageInline(TranslationTabularInline):
    """The campaign's pages in order (a campaign without any asks the eight built-in pages)."""

    model = QuestionnairePage
    formset = QuestionnairePageInlineFormSet
    extra = 0
    fields = ["position", "kind", "key", "title", "relevant", "questions"]
    readonly_fields = ["questions"]
    verbose_name_plural = gettext_lazy("Questionnaire: its pages in order")

    @admin.display(description=gettext_lazy("questions"))
    def questions(self, page: QuestionnairePage) -> str:
        if not page.pk or page.kind != PageKind.CUSTOM:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:surveys_questionnairepage_change", args=[page.pk]),
                           _("Questions of this page"))


class QuestionInline(TranslationTabularInline):
    model = Question
    extra = 0
    fields = ["position", "key", "kind", "label", "required", "retired_at"]
    readonly_fields = ["key", "kind", "retired_at"]
    show_change_link = True
    can_delete = False
    verbose_name_plural = gettext_lazy("Questions (open one to change its choices, limits and condition)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a question is added on its own page, with its choices


class QuestionnairePageAdminForm(forms.ModelForm):
    class Meta:
        model = QuestionnairePage
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        """The page's key and condition, checked with the rest of its campaign's questionnaire."""
        super().clean()
        data = self.cleaned_data
        page = self.instance
        campaign = data.get("campaign") or (page.campaign if page.campaign_id else None)
        if campaign is not None and not self.errors:
            candidate = QuestionnairePage(pk=page.pk, campaign=campaign, kind=data.get("kind", page.kind),
                                          key=data.get("key", ""), position=data.get("position") or 0,
                                          relevant=data.get("relevant", ""))
            others = QuestionnairePage.objects.filter(campaign=campaign).exclude(pk=page.pk) if page.pk else \
                QuestionnairePage.objects.filter(campaign=campaign)
            for problem in check_structure(_specs(campaign, pages=[candidate, *others])):
                self.add_error("relevant" if "condition" in problem else None, problem)
        return data


@admin.register(QuestionnairePage)
class QuestionnairePageAdmin(TranslationAdmin):
    list_display = ["__str__", "campaign", "kind", "key"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    form = QuestionnairePageAdminForm
    fields = ["campaign", "kind", "key", "position", "title", "introduction", "relevant", "add_question"]
    readonly_fields = ["add_question"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: QuestionnairePage | None = None) -> list[str]:
        return ["campaign", "kind", "add_question"] if obj else ["add_question"]

    def get_form(self, request: HttpRequest, obj: QuestionnairePage | None = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "relevant" in form.base_fields:
            form.base_fields["relevant"].help_text = format_html(
                "{} {} {}", CONDITION_HELP, _("Keys of earlier pages:"), available_keys(obj) or "—")
        return form

    @admin.display(description=gettext_lazy("add a question"))
    def add_question(self, page: QuestionnairePage) -> str:
        if not page.pk or page.kind != PageKind.CUSTOM:
            return "—"
        return format_html('<a href="{}?page={}">{}</a>', reverse("admin:surveys_question_add"), page.pk,
                           _("Add a question to this page"))


class QuestionAdminForm(forms.ModelForm):
    retired = forms.BooleanField(label=gettext_lazy("retired (no longer asked; its answers stay)"), required=False)

    class Meta:
        model = Question
        fields = "__all__"
        widgets = {"relevant": forms.TextInput(attrs={"size": 80}), "label": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["retired"].initial = self.instance.retired_at is not None
        if "page" in self.fields:
            campaign_id = self.instance.campaign_id if self.instance.pk else None
            pages = QuestionnairePage.objects.filter(kind=PageKind.CUSTOM).select_related("campaign")
            page = self.fields["page"]
            assert isinstance(page, forms.ModelChoiceField)
            page.queryset = pages.filter(campaign_id=campaign_id) if campaign_id else pages

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        question = self.instance
        if question.pk and services.has_answers(question):
            for name in ("kind", "key"):
                if name in self.changed_data:
                    self.add_error(name, _("This question has answers: its %(field)s cannot change. Retire it and add "
                                           "a new question instead.") % {"field": name})
        page = data.get("page")
        if page is not None and not self.errors:
            candidate = Question(pk=question.pk, page=page, campaign_id=page.campaign_id, key=data.get("key", ""),
                                 position=data.get("position") or 0, per_area=data.get("per_area", False),
                                 relevant=data.get("relevant", ""), retired_at=timezone.now() if data.get("retired") else None)
            for problem in check_structure(_specs(page.campaign, question=candidate)):
                field = "relevant" if "condition" in problem else "key" if "key" in problem else None
                self.add_error(field, problem)
        return data


class ChoiceInlineForm(forms.ModelForm):
    retired = forms.BooleanField(label=gettext_lazy("retired"), required=False)

    class Meta:
        model = Choice
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["retired"].initial = self.instance.retired_at is not None

    def save(self, commit: bool = True) -> Choice:
        if self.cleaned_data.get("retired") != (self.instance.retired_at is not None):
            self.instance.retired_at = timezone.now() if self.cleaned_data.get("retired") else None
        return super().save(commit)


class ChoiceInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            choice = form.instance
            if not form.cleaned_data or not choice.pk or not AnswerChoice.objects.filter(choice=choice).exists():
                continue
            if form.cleaned_data.get("DELETE"):
                form.add_error(None, _("“%(key)s” was chosen in answers: retire it instead of deleting it.")
                               % {"key": choice.key})
            elif "key" in form.changed_data:
                form.add_error("key", _("This choice was chosen in answers: its key cannot change."))


class ChoiceInline(TranslationTabularInline):
    model = Choice
    form = ChoiceInlineForm
    formset = ChoiceInlineFormSet
    extra = 2
    fields = ["position", "key", "label", "retired"]


class QuestionWordingInline(RecordInline):
    model = QuestionWording
    fields = ("version", "changed_at", "changed_by", "wording")
    verbose_name_plural = gettext_lazy("Wording history (answers keep the version they were given to)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionWording]:
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description=gettext_lazy("wording"))
    def wording(self, wording: QuestionWording) -> str:
        texts = wording.texts
        return format_html_join(" · ", "{}: {}", (
            (code, text) for code, text in (texts.get("label") or {}).items() if text))


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    form = QuestionAdminForm
    list_display = ["key", "label", "kind", "page", "campaign", "required", "retired_at"]
    list_filter = ["campaign"]
    list_select_related = ["page", "campaign"]
    search_fields = ["key", "label"]
    inlines = [ChoiceInline, QuestionWordingInline]
    actions = ["retire"]
    fieldsets = [
        (None, {"fields": ["page", "position", "key", "kind", "label", "help_text", "required", "per_area", "relevant",
                           "personal_data", "retired"]}),
        (gettext_lazy("Texts"), {"fields": ["max_length"]}),
        (gettext_lazy("Numbers"), {"fields": ["min_value", "max_value", "whole_number", "unit"]}),
        (gettext_lazy("One choice or several choices"), {"fields": ["as_list", "min_choices", "max_choices"]}),
        (gettext_lazy("Scale"), {"fields": ["scale_points", "low_label", "high_label"]}),
    ]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """The page from the link that opened the form, and a position after its last question."""
        page = request.GET.get("page", "")
        last = Question.objects.filter(page_id=int(page)).order_by("-position").values_list("position", flat=True).first() \
            if page.isdigit() else None
        return {**super().get_changeform_initial_data(request), "page": page, "position": (last or 0) + 10}

    def get_form(self, request: HttpRequest, obj: Question | None = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        page = obj.page if obj else QuestionnairePage.objects.filter(pk=request.GET.get("page") or 0).first()
        if "relevant" in form.base_fields:
            form.base_fields["relevant"].help_text = format_html(
                "{} {} {}", CONDITION_HELP, _("Keys you can use:"), available_keys(page) or "—")
        return form

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        if obj is not None and Answer.objects.filter(question=obj).exists():
            return False  # answered: retired, never deleted
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        obj.campaign_id = obj.page.campaign_id
        retired = form.cleaned_data.get("retired")
        if retired != (obj.retired_at is not None):
            obj.retired_at = timezone.now() if retired else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        wording = services.record_wording(form.instance, by=signed_in_user(request))
        if wording is not None and wording.version > 1:
            self.message_user(request, _("The wording changed: it is kept as version %(version)d; answers given "
                                         "before keep the earlier one.") % {"version": wording.version})

    @admin.action(description=gettext_lazy("Retire the selected questions (no longer asked; answers stay)"))
    def retire(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        for question in queryset:
            services.retire_question(question)
        self.message_user(request, _("Retired: they are no longer asked; their answers stay in the exports."))
