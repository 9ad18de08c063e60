"""What participation costs and earns: fees, and professional-development credit."""

from __future__ import annotations

from typing import ClassVar

from policies.dates import add_months, human_date, number, plural
from policies.decision import Effect, RuleResult
from policies.rules.base import ApplicantRule, Context, one_of, out_of_range, role_label
from policies.subjects import Applicant, Role, Subject


class FeeRule(ApplicantRule, tag="fee"):
    """A participation fee: who pays, how much, and when it falls due.

    The fee becomes due only after a match is made and the signed acceptance is received,
    between `due_months_after_min` and `due_months_after_max` months after the later of
    the two. Nothing is charged when no match is made (unless `charge_without_match`).
    """

    amount: float
    currency: str = "AUD"
    charged_roles: list[Role] = []
    """Roles that pay; other roles are told there is no charge."""
    due_months_after_min: int = 0
    due_months_after_max: int = 0
    requires_signed_acceptance: bool = True
    charge_without_match: bool = False

    default_on_fail: ClassVar[Effect] = "none"

    def problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if self.amount < 0:
            found.append(("amount", "cannot be negative"))
        found += out_of_range("due_months_after_min", self.due_months_after_min, 0, 24)
        found += out_of_range("due_months_after_max", self.due_months_after_max, 0, 24)
        if self.due_months_after_max < self.due_months_after_min:
            found.append(("due_months_after_max", "is earlier than due_months_after_min"))
        if len(self.currency) != 3 or not self.currency.isalpha():
            found.append(("currency", "use a three-letter ISO 4217 code such as AUD"))
        return found

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        who = role_label(subject.role)
        price = f"{self.currency} {self.amount:,.2f}".replace(".00", "")
        data: dict[str, object] = {"role": subject.role, "amount": self.amount,
                                   "currency": self.currency, "amount_due": 0,
                                   "due_from": None, "due_by": None}
        if self.amount == 0:
            return self.result(True, "Participation is free.", data)
        if self.charged_roles and subject.role not in self.charged_roles:
            payers = one_of([f"{r}s" for r in self.charged_roles], "and")
            return self.result(True, f"There is no charge for {subject.role}s; "
                               f"{payers} pay {price}.", data)
        match = subject.match
        if match is None and not self.charge_without_match:
            return self.result(True, f"{who} fee is {price}; no match has been made, so no "
                               "payment is taken.", data)
        if match is None:
            return self.result(True, f"{who} fee is {price}, due now.",
                               {**data, "amount_due": self.amount, "due_from": context.as_of,
                                "due_by": context.as_of})
        if self.requires_signed_acceptance and match.acceptance_signed_on is None:
            return self.result(True, f"{who} fee is {price}; it is not due until the signed "
                               "acceptance form is received.", data)
        trigger = max(match.matched_on, match.acceptance_signed_on or match.matched_on)
        due_from = add_months(trigger, self.due_months_after_min)
        due_by = add_months(trigger, self.due_months_after_max)
        data.update(amount_due=self.amount, due_from=due_from, due_by=due_by)
        window = (f"between {human_date(due_from)} and {human_date(due_by)}"
                  if due_from != due_by else f"on {human_date(due_from)}")
        months = (f"{self.due_months_after_min}-{self.due_months_after_max} months"
                  if self.due_months_after_min != self.due_months_after_max
                  else plural(self.due_months_after_min, "month"))
        return self.result(True, f"{who} fee of {price} is deducted {window}, {months} after "
                           f"the match and signed acceptance ({human_date(trigger)}).", data)


class CpdRule(ApplicantRule, tag="cpd"):
    """Participation counts towards continuing professional development."""

    scheme: str
    """E.g. "ALIA PD Scheme", "AASW CPD Policy"."""
    category: str | None = None
    recommended_min_hours: float | None = None

    default_on_fail: ClassVar[Effect] = "advise"

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        who = role_label(subject.role)
        where = f" under {self.category}" if self.category else ""
        claim = f"{who} hours can be claimed towards the {self.scheme}{where}"
        if self.recommended_min_hours is not None:
            claim += (f" (at least {plural(self.recommended_min_hours, 'hour')} "
                      f"recommended{' in this category' if self.category else ''})")
        data = {"scheme": self.scheme, "category": self.category,
                "recommended_min_hours": self.recommended_min_hours,
                "hours_logged": subject.cpd_hours}
        hours = subject.cpd_hours
        if hours is None:
            return self.result(True, f"{claim}.", data)
        logged = f"{number(hours)} logged so far"
        if self.recommended_min_hours is not None and hours < self.recommended_min_hours:
            return self.result(False, f"{claim}; {logged}.", data)
        return self.result(True, f"{claim}; {logged}.", data)
