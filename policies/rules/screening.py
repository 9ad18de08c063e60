"""Sanctions: which lists apply, when a hit blocks or is reviewed, and failing closed."""

from __future__ import annotations

from policies.dates import number
from policies.decision import Effect, RuleResult
from policies.rules.base import Context, PartnerRule, one_of
from policies.subjects import Partner, Subject


class SanctionsRule(PartnerRule, tag="sanctions"):
    """No relationship that would contravene the sanctions lists the association is bound by.

    A confirmed hit, or an open hit scoring at least `block_score`, refuses; an open hit
    scoring at least `review_score` refers to a coordinator. Screening fails closed: with
    no screening, or a required list not checked, nobody is cleared (`when_no_list`).
    """

    lists: list[str]
    """List identifiers as the screening service names them, e.g. "un-sc", "au-dfat"."""
    list_labels: dict[str, str] = {}
    block_score: float = 0.95
    review_score: float = 0.8
    when_no_list: Effect = "refer"

    def problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if not self.lists:
            found.append(("lists", "name at least one sanctions list"))
        for name in ("block_score", "review_score"):
            if not 0 < getattr(self, name) <= 1:
                found.append((name, "a match score is more than 0 and at most 1"))
        if self.review_score > self.block_score:
            found.append(("review_score", "is above block_score; review must come first"))
        if self.when_no_list not in ("refer", "ineligible"):
            found.append(("when_no_list", "must be 'refer' or 'ineligible': screening fails "
                          "closed"))
        return found

    def label(self, list_id: str) -> str:
        return self.list_labels.get(list_id, list_id)

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not isinstance(subject, Partner):
            return None
        screening = subject.screening
        checked = {entry.list for entry in screening.lists} if screening else set()
        missing = [name for name in self.lists if name not in checked]
        data: dict[str, object] = {
            "required_lists": self.lists,
            "lists_checked": screening.lists if screening else [],
            "block_score": self.block_score,
            "review_score": self.review_score,
        }
        if missing:
            data["missing_lists"] = missing
            names = one_of([self.label(m) for m in missing], "and")
            return self.result(
                False,
                f"Not cleared: {names} {'was' if len(missing) == 1 else 'were'} not checked, "
                "and screening fails closed.",
                data,
                effect=self.when_no_list,
            )
        assert screening is not None
        relevant = [h for h in screening.hits if h.list in self.lists and h.status != "dismissed"]
        blocking = [h for h in relevant if h.status == "confirmed" or h.score >= self.block_score]
        review = [h for h in relevant if h not in blocking and h.score >= self.review_score]
        data["hits"] = relevant
        if blocking:
            hit = max(blocking, key=lambda h: (h.status == "confirmed", h.score))
            how = "a confirmed match" if hit.status == "confirmed" else (
                f"a match scoring {number(hit.score)} (blocks at {number(self.block_score)})"
            )
            named = f" to '{hit.name}'" if hit.name else ""
            return self.result(False, f"Blocked: {how}{named} on {self.label(hit.list)}.", data,
                               effect="ineligible")
        if review:
            hit = max(review, key=lambda h: h.score)
            named = f" to '{hit.name}'" if hit.name else ""
            return self.result(
                False,
                f"Needs review: a possible match{named} on {self.label(hit.list)} scoring "
                f"{number(hit.score)} (review from {number(self.review_score)}).",
                data,
                effect="refer",
            )
        names = one_of([self.label(n) for n in self.lists], "and")
        return self.result(True, f"Cleared against {names}: no match needing review.", data)
