"""Texts the secretariat types, in English, French and German (django-modeltranslation).

Each field listed here gets a column per language (``name_en``, ``name_fr``, ``name_de``); reading
``campaign.name`` gives the active language's text, or the English one when that is empty. The columns
come with the row, so a translated text costs no query of its own.
"""

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from modeltranslation.translator import TranslationOptions, register

from surveys.models import Campaign, ThematicArea
from surveys.questionnaire.models import Choice, Question, QuestionnairePage


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("name", "summary", "introduction")
    required_languages = ("en",)


@register(ThematicArea)
class ThematicAreaTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register(QuestionnairePage)
class QuestionnairePageTranslation(TranslationOptions):
    fields = ("title", "introduction")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text", "unit", "low_label", "high_label")
    required_languages = {"en": ("label",)}


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = {"en": ("label",)}


def translated(path: str) -> Coalesce:
    """An expression for a translated text reached through a relation (``"group__area__name"``) from a model
    whose queries modeltranslation does not rewrite: the active language's column, or the English one."""
    language = (get_language() or "en")[:2]
    english = F(f"{path}_en")
    if language == "en" or language not in {code for code, _name in settings.LANGUAGES}:
        return Coalesce(english, Value(""))
    return Coalesce(NullIf(F(f"{path}_{language}"), Value("")), english, Value(""))
