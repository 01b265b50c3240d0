"""Who may take part in a Big Buyers campaign: pure rules over plain data.

Only public bodies from the countries of a campaign's policy (EU-27, EEA, EFTA) that are contracting
authorities under the public procurement directives may take part:

- Directive 2004/18/EC, art. 1(9), and Directive 2014/24/EU, art. 2(1)(1): "contracting authorities"
  are the State, regional or local authorities, bodies governed by public law, and associations
  formed by one or more such authorities or bodies;
- Directive 2014/24/EU, art. 2(1)(16): a central purchasing body is a contracting authority;
- Directive 2014/24/EU, art. 2(1)(4) (2004/18/EC, art. 1(9), second subparagraph): a body governed
  by public law has all three of (a) a general-interest purpose without an industrial or commercial
  character, (b) legal personality, (c) mostly public financing, or public management supervision,
  or a board more than half appointed by public authorities.

``assess`` is total: whatever the input (an unknown country code, a missing or tampered type of
body, a missing answer) it returns an ``Assessment`` and never raises, because it also runs on
half-filled forms and on stored rows. Doubt never becomes a silent "yes" or "no": what the rules
cannot decide is ``NEEDS_REVIEW``, which the secretariat decides (that is where its flexibility
lives, not in these rules).

Reasons are lazy translations: build them in any language, render them (``str()``, a template) in
the viewer's. Rendering needs Django settings (country names come from django-countries); importing
this module does not. ``assess`` itself reads django-countries' table of known codes, which follows
the project's ``COUNTRIES_*`` settings, so it accepts exactly the codes the country field accepts.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeAlias

from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from surveys.country_groups import COUNTRY_GROUPS, EEA, EFTA, EU, EU_CODE_ALIASES, countries_of, with_membership

__all__ = [
    "BODY_TYPE_HELP",
    "CONTRACTING_AUTHORITY_TYPES",
    "MARKET_ACTOR_TYPES",
    "NOT_CONTRACTING_AUTHORITY_TYPES",
    "POLICY_2020",
    "POLICY_2023",
    "PUBLIC_LAW_QUESTIONS",
    "Answer",
    "Applicant",
    "Assessment",
    "BodyType",
    "EligibilityPolicy",
    "Outcome",
    "assess",
    "eligible_countries",
    "normalise_country_code",
    "reimbursed_countries",
    "travel_reimbursement",
]

# A reason is a lazy translation; it becomes a str in the active language when rendered.
Reason: TypeAlias = "str | Promise"


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NEEDS_REVIEW = "needs_review", _("Needs review")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SURE = "not_sure", _("Not sure")


class BodyType(models.TextChoices):
    """Types of body, after Directive 2004/18/EC art. 1(9) and Directive 2014/24/EU art. 2(1)(1), (16)."""

    CENTRAL_GOVERNMENT = "central_government", _("Central government authority")
    REGIONAL_AUTHORITY = "regional_authority", _("Regional authority")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    BODY_GOVERNED_BY_PUBLIC_LAW = "body_governed_by_public_law", _("Body governed by public law")
    ASSOCIATION_OF_AUTHORITIES = "association_of_authorities", _("Association of public authorities or bodies")
    CENTRAL_PURCHASING_BODY = "central_purchasing_body", _("Central purchasing body")
    PRIVATE_COMPANY = "private_company", _("Private company")
    NGO = "ngo", _("Non-governmental organisation (NGO)")
    SUPPLIER = "supplier", _("Supplier")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    OTHER = "other", _("Other, or not sure")

    @property
    def help_text(self) -> Reason:
        return BODY_TYPE_HELP[self]


BODY_TYPE_HELP: Mapping[BodyType, Reason] = MappingProxyType(
    {
        BodyType.CENTRAL_GOVERNMENT: _("A ministry, state department or national agency that is part of the state."),
        BodyType.REGIONAL_AUTHORITY: _("A region, province, county or federal state, and its administration."),
        BodyType.LOCAL_AUTHORITY: _("A city, town, municipality or district, and its administration."),
        BodyType.BODY_GOVERNED_BY_PUBLIC_LAW: _(
            "An organisation of its own set up to serve the public, such as a public hospital, university or "
            "agency, mostly funded or controlled by public authorities. We ask three short questions about it."
        ),
        BodyType.ASSOCIATION_OF_AUTHORITIES: _(
            "A body formed by public authorities or public bodies, such as an association of municipalities "
            "or a joint authority."
        ),
        BodyType.CENTRAL_PURCHASING_BODY: _("A public body that buys, or awards contracts, for other public buyers."),
        BodyType.PRIVATE_COMPANY: _(
            "A company owned by private investors. A company owned or controlled by public authorities may "
            "instead be a body governed by public law."
        ),
        BodyType.NGO: _("A non-profit organisation independent of public authorities, such as a charity or foundation."),
        BodyType.SUPPLIER: _("A business that sells goods, works or services to public buyers."),
        BodyType.INDUSTRY_ASSOCIATION: _("An association or federation that represents the businesses of a sector."),
        BodyType.OTHER: _("None of the above, or you are not sure: the secretariat will check."),
    }
)

# Contracting authorities whatever else is answered (2014/24/EU art. 2(1)(1), (2), (3), (16)).
CONTRACTING_AUTHORITY_TYPES: frozenset[BodyType] = frozenset(
    {
        BodyType.CENTRAL_GOVERNMENT,
        BodyType.REGIONAL_AUTHORITY,
        BodyType.LOCAL_AUTHORITY,
        BodyType.ASSOCIATION_OF_AUTHORITIES,
        BodyType.CENTRAL_PURCHASING_BODY,
    }
)
NOT_CONTRACTING_AUTHORITY_TYPES: frozenset[BodyType] = frozenset(
    {BodyType.PRIVATE_COMPANY, BodyType.NGO, BodyType.SUPPLIER, BodyType.INDUSTRY_ASSOCIATION}
)
# May be invited to single events (market dialogues, pitching sessions), never to members' areas.
MARKET_ACTOR_TYPES: frozenset[BodyType] = frozenset({BodyType.SUPPLIER, BodyType.INDUSTRY_ASSOCIATION})

# The three conditions of a body governed by public law, keyed by the Applicant field that answers them,
# in the directive's order (2014/24/EU art. 2(1)(4)(a)-(c)); forms ask these questions.
PUBLIC_LAW_QUESTIONS: Mapping[str, Reason] = MappingProxyType(
    {
        "general_interest": _(
            "Was it set up for the specific purpose of meeting needs in the general interest, "
            "and not to do business of an industrial or commercial character?"
        ),
        "legal_personality": _("Does it have legal personality of its own?"),
        "publicly_controlled": _(
            "Is it mostly financed by public authorities, or supervised by them, or are more than half "
            "of the members of its board appointed by them?"
        ),
    }
)


@dataclass(frozen=True)
class EligibilityPolicy:
    """A campaign's country rules: which groups may take part, and which get travel reimbursed.

    Groups are keys of ``surveys.country_groups.COUNTRY_GROUPS`` ("EU", "EEA", "EFTA"); a country is in a
    policy's set if it belongs to any of its groups. Travel is only ever reimbursed for eligible countries.
    """

    eligible_groups: frozenset[str]
    reimbursed_groups: frozenset[str]

    def __post_init__(self) -> None:
        # Campaigns store the groups as JSON lists: accept any collection of keys, keep a frozenset.
        for name in ("eligible_groups", "reimbursed_groups"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"{name} must be a collection of group keys, not the string {value!r}")
            keys = frozenset(value)
            unknown = keys - COUNTRY_GROUPS.keys()
            if unknown:
                raise ValueError(f"Unknown country groups in {name}: {sorted(unknown)}; known: {sorted(COUNTRY_GROUPS)}")
            object.__setattr__(self, name, keys)


# 2020-21 ("Big Buyers for Climate and Environment" needs assessment): "only entities part of the EU, EEA
# and EFTA are eligible"; "Public organisations from any EU/EFTA country are welcome to participate in
# the working groups. Countries part of the EEA can participate in the meetings at their own expenses."
# The EEA countries outside the EU (Iceland, Liechtenstein, Norway) are also EFTA members, so the text
# contradicts itself for them unless "welcome" means taking part and not money. That is the reading kept
# here: only EU countries are reimbursed, the only expressible one that no sentence of the text
# contradicts. Switzerland (EFTA, not EEA) is not covered by the own-expense sentence; reimbursing it too
# is a secretariat decision that the group keys cannot express without also reimbursing the three EEA
# EFTA states.
POLICY_2020 = EligibilityPolicy(eligible_groups=frozenset({EU, EEA, EFTA}), reimbursed_groups=frozenset({EU}))

# 2023 ("Big Buyers Working Together"): the survey was "open to all public buyers across the EU and EEA",
# respondents came "from the EU-27 as well as the EEA", and "the costs of travel to in-person meetings will
# be reimbursed (rules apply)". Switzerland is not in the EEA, so it is not eligible in 2023.
POLICY_2023 = EligibilityPolicy(eligible_groups=frozenset({EU, EEA}), reimbursed_groups=frozenset({EU, EEA}))


@functools.lru_cache(maxsize=64)
def eligible_countries(policy: EligibilityPolicy) -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes of the countries whose bodies may take part under ``policy``."""
    return countries_of(policy.eligible_groups)


@functools.lru_cache(maxsize=64)
def reimbursed_countries(policy: EligibilityPolicy) -> frozenset[str]:
    """The codes of the countries whose bodies get travel to in-person meetings reimbursed under ``policy``."""
    return countries_of(policy.reimbursed_groups) & eligible_countries(policy)


def normalise_country_code(code: object) -> str:
    """An upper-case ISO 3166-1 alpha-2 code from what a form, a row or an import holds; "" if none.

    Case and surrounding spaces are normalised ("fr" is France): ISO codes are case-insensitive
    identifiers and django-countries upper-cases them too. The EU's own codes "EL" (Greece) and "UK"
    (United Kingdom) are mapped to ISO's "GR" and "GB". A django-countries ``Country`` gives its code.
    The result is not checked against the list of countries: ``assess`` does that.
    """
    text = "" if code is None else str(code).strip().upper()
    return EU_CODE_ALIASES.get(text, text)


def travel_reimbursement(country: object, policy: EligibilityPolicy) -> bool:
    """Whether travel to in-person meetings is reimbursed for an eligible body from ``country``."""
    return normalise_country_code(country) in reimbursed_countries(policy)


@dataclass(frozen=True)
class Applicant:
    """What the rules look at, copied from a survey answer or an organisation row.

    The three answers only matter for a body governed by public law; "" (a blank form field), None and
    any unknown value count as not answered.
    """

    country: str
    body_type: BodyType | str | None
    general_interest: Answer | str | None = None
    legal_personality: Answer | str | None = None
    publicly_controlled: Answer | str | None = None


@dataclass(frozen=True)
class Assessment:
    """The outcome, the reasons for it (lazy translations, at least one), and what follows from it.

    ``travel_reimbursed``: travel to in-person meetings would be reimbursed once the body takes part
    (for ``NEEDS_REVIEW``, once the secretariat admits it); always False when not eligible.
    ``observer_offer``: the body cannot take part and is offered the Observer Group instead.
    """

    outcome: Outcome
    reasons: tuple[Reason, ...]
    travel_reimbursed: bool
    observer_offer: bool


@dataclass(frozen=True)
class _Finding:
    outcome: Outcome
    reasons: tuple[Reason, ...]


_SEVERITY = {Outcome.ELIGIBLE: 0, Outcome.NEEDS_REVIEW: 1, Outcome.NOT_ELIGIBLE: 2}


def assess(applicant: Applicant, policy: EligibilityPolicy) -> Assessment:
    """Decide whether ``applicant`` may take part under ``policy``, and say why.

    Both the country and the type of body are checked. The outcome is the more severe of the two: not
    eligible if either rules the body out, needs review if either cannot be decided, eligible otherwise.
    The reasons, country first, are all those that rule the body out when it is not eligible (so that a
    person sees every problem at once), and otherwise every finding plus a line on travel costs.

    Under a policy that admits EFTA, Swiss bodies are not bound by the EU directives; they are judged by
    the same types of body, by analogy, as the campaign text admits them.
    """
    code = normalise_country_code(applicant.country)
    country = _assess_country(code, policy)
    body = _assess_body(applicant)
    outcome = max(country.outcome, body.outcome, key=_SEVERITY.__getitem__)
    if outcome == Outcome.NOT_ELIGIBLE:
        # Only what rules the body out: "the secretariat will check" would promise a review that never comes.
        reasons = tuple(r for finding in (country, body) if finding.outcome == outcome for r in finding.reasons)
    else:
        reasons = country.reasons + body.reasons
    reimbursed = outcome != Outcome.NOT_ELIGIBLE and travel_reimbursement(code, policy)
    if outcome != Outcome.NOT_ELIGIBLE and country.outcome == Outcome.ELIGIBLE:
        reasons += (_travel_reason(code, reimbursed),)
    return Assessment(
        outcome=outcome,
        reasons=reasons,
        travel_reimbursed=reimbursed,
        observer_offer=outcome == Outcome.NOT_ELIGIBLE,
    )


def _country_name_now(code: str) -> str:
    return str(countries.name(code))


# The country's name in the language active when the reason is rendered, not when it is built.
_country_name = lazy(_country_name_now, str)


def _join(labels: list[Reason]) -> Reason:
    return format_lazy(", ".join("{}" for _label in labels), *labels)


def _group_labels(keys: frozenset[str], code: str | None = None) -> Reason:
    """The labels of the groups in ``keys`` (those containing ``code``, if given), in display order."""
    return _join([g.label for k, g in COUNTRY_GROUPS.items() if k in keys and (code is None or code in g.codes)])


def _assess_country(code: str, policy: EligibilityPolicy) -> _Finding:
    if not code:
        return _Finding(
            Outcome.NEEDS_REVIEW, (_("No country was given: the secretariat will check where the body is established."),)
        )
    # Group codes are known ISO codes (checked at import), so only a code outside the policy is looked up in
    # django-countries' table, the slower check.
    if code in eligible_countries(policy):
        return _Finding(Outcome.ELIGIBLE, (_country_reason(code, policy, eligible=True),))
    if code not in countries:
        # Not echoing the code: a tampered value has no place in a message shown to people.
        return _Finding(Outcome.NOT_ELIGIBLE, (_("Unknown country: the code given is not an ISO 3166-1 country code."),))
    return _Finding(Outcome.NOT_ELIGIBLE, (_country_reason(code, policy, eligible=False),))


# Lazy strings are immutable and resolve their language when rendered, so one per country and policy serves
# every assessment (building them is most of the cost of ``assess``). Only known codes reach these caches.
@functools.lru_cache(maxsize=512)
def _country_reason(code: str, policy: EligibilityPolicy, *, eligible: bool) -> Reason:
    if eligible:
        return with_membership(code, _country_name(code), format_lazy(
            _("{country} is among the countries that can take part in this campaign ({groups})."),
            country=_country_name(code),
            groups=_group_labels(policy.eligible_groups, code),
        ))
    return with_membership(code, _country_name(code), format_lazy(
        _("{country} is not among the countries that can take part in this campaign ({groups})."),
        country=_country_name(code),
        groups=_group_labels(policy.eligible_groups),
    ))


@functools.lru_cache(maxsize=512)
def _travel_reason(code: str, reimbursed: bool) -> Reason:
    if reimbursed:
        message = _("Travel to in-person meetings is reimbursed for bodies from {country} (rules apply).")
    else:
        message = _("Bodies from {country} take part at their own expense: travel is not reimbursed in this campaign.")
    return format_lazy(message, country=_country_name(code))


_CONTRACTING_AUTHORITY_REASONS: Mapping[BodyType, Reason] = MappingProxyType(
    {
        BodyType.CENTRAL_GOVERNMENT: _(
            "A central government authority is a contracting authority (Directive 2014/24/EU, art. 2(1)(1) and (2))."
        ),
        BodyType.REGIONAL_AUTHORITY: _(
            "A regional authority is a contracting authority (Directive 2014/24/EU, art. 2(1)(1) and (3))."
        ),
        BodyType.LOCAL_AUTHORITY: _(
            "A local authority is a contracting authority (Directive 2014/24/EU, art. 2(1)(1) and (3))."
        ),
        BodyType.ASSOCIATION_OF_AUTHORITIES: _(
            "An association formed by public authorities or bodies governed by public law is a contracting "
            "authority (Directive 2014/24/EU, art. 2(1)(1))."
        ),
        BodyType.CENTRAL_PURCHASING_BODY: _(
            "A central purchasing body is a contracting authority (Directive 2014/24/EU, art. 2(1)(16))."
        ),
    }
)

_NOT_CONTRACTING_AUTHORITY_REASONS: Mapping[BodyType, Reason] = MappingProxyType(
    {
        BodyType.PRIVATE_COMPANY: _(
            "A private company is not a contracting authority (Directive 2014/24/EU, art. 2(1)(1)), so it cannot "
            "take part. A company owned or controlled by public authorities that serves the general interest may "
            "be a body governed by public law: if so, choose that type instead."
        ),
        BodyType.NGO: _(
            "A non-governmental organisation is not a contracting authority (Directive 2014/24/EU, art. 2(1)(1)), "
            "so it cannot take part."
        ),
        BodyType.SUPPLIER: _(
            "A supplier is a market actor, not a contracting authority (Directive 2014/24/EU, art. 2(1)(1)), so it "
            "cannot be a member; it may be invited to some events, such as market dialogues, as a market actor."
        ),
        BodyType.INDUSTRY_ASSOCIATION: _(
            "An industry association represents market actors and is not a contracting authority (Directive "
            "2014/24/EU, art. 2(1)(1)), so it cannot be a member; it may be invited to some events as a market actor."
        ),
    }
)

_PUBLIC_LAW_NO: Mapping[str, Reason] = MappingProxyType(
    {
        "general_interest": _(
            "It was not set up to meet needs in the general interest, or it does business of an industrial or "
            "commercial character, so it is not a body governed by public law (Directive 2014/24/EU, art. 2(1)(4)(a))."
        ),
        "legal_personality": _(
            "It has no legal personality of its own, so it is not a body governed by public law (Directive "
            "2014/24/EU, art. 2(1)(4)(b)). If it is part of a public authority, choose that authority's type instead."
        ),
        "publicly_controlled": _(
            "It is not mostly financed, supervised or appointed by public authorities, so it is not a body "
            "governed by public law (Directive 2014/24/EU, art. 2(1)(4)(c))."
        ),
    }
)

_PUBLIC_LAW_UNSURE: Mapping[str, Reason] = MappingProxyType(
    {
        "general_interest": _(
            "It is not known yet whether it was set up to meet needs in the general interest without an industrial "
            "or commercial character: the secretariat will check (Directive 2014/24/EU, art. 2(1)(4)(a))."
        ),
        "legal_personality": _(
            "It is not known yet whether it has legal personality of its own: the secretariat will check "
            "(Directive 2014/24/EU, art. 2(1)(4)(b))."
        ),
        "publicly_controlled": _(
            "It is not known yet whether it is mostly financed, supervised or appointed by public authorities: "
            "the secretariat will check (Directive 2014/24/EU, art. 2(1)(4)(c))."
        ),
    }
)


def _as_body_type(value: Any) -> BodyType | None:
    try:
        return BodyType(value)
    except (ValueError, TypeError):
        return None


def _as_answer(value: Any) -> Answer | None:
    try:
        return Answer(value)
    except (ValueError, TypeError):
        return None


def _assess_body(applicant: Applicant) -> _Finding:
    raw = applicant.body_type
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _Finding(
            Outcome.NEEDS_REVIEW,
            (_("No type of body was given: the secretariat will check whether it is a contracting authority."),),
        )
    body_type = _as_body_type(raw)
    if body_type is None:
        return _Finding(
            Outcome.NEEDS_REVIEW,
            (
                _(
                    "The type of body given is not one of the listed types: the secretariat will check whether "
                    "it is a contracting authority."
                ),
            ),
        )
    if body_type in CONTRACTING_AUTHORITY_TYPES:
        return _Finding(Outcome.ELIGIBLE, (_CONTRACTING_AUTHORITY_REASONS[body_type],))
    if body_type in NOT_CONTRACTING_AUTHORITY_TYPES:
        return _Finding(Outcome.NOT_ELIGIBLE, (_NOT_CONTRACTING_AUTHORITY_REASONS[body_type],))
    if body_type == BodyType.BODY_GOVERNED_BY_PUBLIC_LAW:
        return _assess_public_law_body(applicant)
    return _Finding(
        Outcome.NEEDS_REVIEW,
        (
            _(
                "The type of body is “other”: the secretariat will check whether it is a contracting authority "
                "(Directive 2014/24/EU, art. 2(1)(1))."
            ),
        ),
    )


def _assess_public_law_body(applicant: Applicant) -> _Finding:
    """The three conditions of 2014/24/EU art. 2(1)(4) (2004/18/EC art. 1(9)): all must hold."""
    answers = {field: _as_answer(getattr(applicant, field)) for field in PUBLIC_LAW_QUESTIONS}
    noes = tuple(_PUBLIC_LAW_NO[field] for field, answer in answers.items() if answer == Answer.NO)
    if noes:
        return _Finding(Outcome.NOT_ELIGIBLE, noes)
    unsure = tuple(_PUBLIC_LAW_UNSURE[field] for field, answer in answers.items() if answer != Answer.YES)
    if unsure:
        return _Finding(Outcome.NEEDS_REVIEW, unsure)
    return _Finding(
        Outcome.ELIGIBLE,
        (
            _(
                "It meets the three conditions of a body governed by public law (Directive 2014/24/EU, art. 2(1)(4)), "
                "so it is a contracting authority."
            ),
        ),
    )
