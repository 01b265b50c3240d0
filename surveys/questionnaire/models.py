"""The rows of a questionnaire: pages, questions, choices, the wording history and the answers.

A campaign without any page row asks the built-in pages in their usual order (surveys/steps.py); the
secretariat's first change in the admin writes the rows. Texts the respondent reads (titles, labels, help,
choices, scale ends, units) have a column per language (surveys/translation.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# An XLSForm name: ${key} in conditions, a column in exports. Letters, digits and underscores, a letter first.
key_validator = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_]{0,39}$",
    _("Use letters, digits and underscores, starting with a letter (at most 40), e.g. budget_range."),
)
choice_key_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$",
    _("Use letters, digits, underscores, dots and hyphens (at most 60), e.g. under_1m."),
)


class PageKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation (always first)")
    CONTACT = "contact", _("Contact person (always second)")
    INTERESTS = "interests", _("Areas of interest (always asked)")
    PURCHASES = "purchases", _("Planned purchases")
    CHALLENGES = "challenges", _("Challenges per area")
    RECOMMENDATIONS = "recommendations", _("Recommendations")
    INTERVIEW = "interview", _("Follow-up interview")
    CONSENT = "consent", _("Consent (always last)")
    CUSTOM = "custom", _("Questions of your own")


class QuestionnairePage(models.Model):
    """One page of a campaign's questionnaire: a built-in page, or one of the secretariat's own."""

    campaign = models.ForeignKey("surveys.Campaign", on_delete=models.CASCADE, related_name="questionnaire_pages",
                                 verbose_name=_("campaign"))
    kind = models.CharField(_("kind of page"), max_length=20, choices=PageKind.choices, default=PageKind.CUSTOM)
    key = models.CharField(
        _("key"), max_length=40, validators=[key_validator],
        help_text=_("The page's address and its name in the XLSForm; a built-in page's key is its kind."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200, blank=True,
                             help_text=_("Needed for a page of your own; a built-in page has its usual title."))
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the page's questions."))
    relevant = models.CharField(
        _("shown only when"), max_length=1000, blank=True,
        help_text=_("A condition on earlier answers, e.g. ${body_type} = 'central_purchasing_body'. Empty: always shown."),
    )

    class Meta:
        verbose_name = _("questionnaire page")
        verbose_name_plural = _("questionnaire pages")
        ordering = ["campaign", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="questionnaire_page_key_unique_per_campaign"),
            models.UniqueConstraint(fields=["campaign", "kind"], condition=~Q(kind="custom"),
                                    name="one_builtin_page_of_each_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title or self.get_kind_display()}"


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    YES_NO = "yes_no", _("Yes or no")
    ONE_CHOICE = "one_choice", _("One choice")
    SEVERAL_CHOICES = "several_choices", _("Several choices")
    SCALE = "scale", _("Scale")
    EMAIL = "email", _("E-mail address")
    URL = "url", _("Web address")


TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


class Question(models.Model):
    """A question of the secretariat's own, on a custom page."""

    page = models.ForeignKey(QuestionnairePage, on_delete=models.PROTECT, related_name="questions",
                             verbose_name=_("page"))
    # Denormalised from the page: a key is unique in its campaign (it names the question in conditions and exports).
    campaign = models.ForeignKey("surveys.Campaign", on_delete=models.CASCADE, related_name="questions",
                                 verbose_name=_("campaign"), editable=False)
    key = models.CharField(_("key"), max_length=40, validators=[key_validator],
                           help_text=_("A stable name: ${key} in conditions, the column in exports."))
    kind = models.CharField(_("kind of question"), max_length=20, choices=QuestionKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    per_area = models.BooleanField(
        _("asked once per area of interest"), default=False,
        help_text=_("Asked once for each area the respondent chose (like the challenges); the page must come "
                    "after the areas of interest."),
    )
    relevant = models.CharField(
        _("shown only when"), max_length=1000, blank=True,
        help_text=_("A condition on answers of earlier pages, e.g. ${joint_procurement} = 'yes'. Empty: always asked."),
    )
    max_length = models.PositiveIntegerField(_("longest answer (characters)"), null=True, blank=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(5000)])
    min_value = models.DecimalField(_("smallest number"), max_digits=15, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("largest number"), max_digits=15, decimal_places=4, null=True, blank=True)
    whole_number = models.BooleanField(_("whole numbers only"), default=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. EUR, vehicles, %"))
    min_choices = models.PositiveSmallIntegerField(_("fewest choices"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), null=True, blank=True)
    as_list = models.BooleanField(_("show the choices as a drop-down list"), default=False,
                                  help_text=_("For one choice among many; otherwise one button per choice."))
    scale_points = models.PositiveSmallIntegerField(_("points of the scale"), choices=[(5, "1–5"), (7, "1–7")],
                                                    default=5)
    low_label = models.CharField(_("label of the lowest point"), max_length=100, blank=True)
    high_label = models.CharField(_("label of the highest point"), max_length=100, blank=True)
    personal_data = models.BooleanField(
        _("answers may identify a person"), default=False,
        help_text=_("Answers are erased with the person's data and after the retention period (always for an "
                    "e-mail address)."),
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True,
                                      help_text=_("A retired question is no longer asked; its answers stay in exports."))
    version = models.PositiveIntegerField(_("wording version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["page", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="question_key_unique_per_campaign"),
            models.CheckConstraint(condition=Q(scale_points__in=[5, 7]), name="question_scale_of_5_or_7"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.label}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Choice(models.Model):
    """An option of a one-choice or several-choices question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    key = models.CharField(_("key"), max_length=60, validators=[choice_key_validator],
                           help_text=_("A stable name: the value in conditions and exports."))
    label = models.CharField(_("label"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True,
                                      help_text=_("A retired choice is no longer offered; answers with it stay."))

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="choice_key_unique_per_question")]

    def __str__(self) -> str:
        return f"{self.key}: {self.label}"


class QuestionWording(models.Model):
    """A wording of a question as respondents read it (label, help, choices in every language): who set it, when.

    Version 1 is the first wording; each change of a text adds the next version. An answer keeps the version it
    was given to, so exports and the report can tell answers to an earlier wording apart.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="wordings",
                                 verbose_name=_("question"))
    version = models.PositiveIntegerField(_("version"))
    texts = models.JSONField(_("texts"), default=dict)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("wording of a question")
        verbose_name_plural = _("wording history")
        ordering = ["question", "-version"]
        constraints = [models.UniqueConstraint(fields=["question", "version"], name="one_wording_per_version")]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.version}"


class Answer(models.Model):
    """A response's answer to one question (for one area, when the question is asked per area)."""

    response = models.ForeignKey("surveys.Response", on_delete=models.CASCADE, related_name="custom_answers",
                                 verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    area = models.ForeignKey("surveys.ThematicArea", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("area"))
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(_("number"), max_digits=19, decimal_places=4, null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    boolean = models.BooleanField(_("yes or no"), null=True, blank=True)
    choices: models.ManyToManyField[Choice, AnswerChoice] = models.ManyToManyField(
        Choice, through="AnswerChoice", related_name="answers", verbose_name=_("choices"))
    version = models.PositiveIntegerField(_("wording answered"), default=1)
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], condition=Q(area__isnull=True),
                                    name="one_answer_per_question"),
            models.UniqueConstraint(fields=["response", "question", "area"], condition=Q(area__isnull=False),
                                    name="one_answer_per_question_and_area"),
        ]
        indexes = [models.Index(fields=["question", "response"], name="answer_question_idx")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class AnswerChoice(models.Model):
    """A choice ticked in an answer; a choice that has answers cannot be deleted (retire it instead)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+", verbose_name=_("answer"))
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="+", verbose_name=_("choice"))

    class Meta:
        verbose_name = _("choice in an answer")
        verbose_name_plural = _("choices in answers")
        constraints = [models.UniqueConstraint(fields=["answer", "choice"], name="one_tick_per_choice")]

    def __str__(self) -> str:
        return f"{self.answer_id}: {self.choice_id}"
