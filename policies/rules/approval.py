"""Who decides: the first recipient of a request, the board, its quorum and majority,
and how often an approved relationship is reviewed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import msgspec

from policies.dates import add_months, human_date, number, plural
from policies.decision import RuleResult
from policies.rules.base import Context, PartnerRule, one_of, out_of_range
from policies.subjects import BoardVote, Partner, RequestType, Subject

Majority = Literal["simple", "absolute", "two-thirds"]
MAJORITY_WORDS: dict[str, str] = {
    "simple": "more votes for than against",
    "absolute": "more than half of the directors voting in favour",
    "two-thirds": "at least two thirds of the votes cast in favour",
}


@dataclass(frozen=True, slots=True)
class Tally:
    """The count of one board vote against a quorum and majority."""

    eligible_present: int
    quorum_needed: int
    quorate: bool
    carried: bool


def tally(vote: BoardVote, *, quorum_fraction: float, majority: Majority) -> Tally:
    """Quorum counts directors present who did not recuse; the motion carries on `majority`."""
    present = vote.present - vote.recused
    needed = max(1, math.ceil(vote.board_size * quorum_fraction - 1e-9))
    quorate = present >= needed
    if majority == "simple":
        carried = vote.votes_for > vote.votes_against
    elif majority == "absolute":
        carried = vote.votes_for * 2 > present
    else:
        cast = vote.votes_for + vote.votes_against
        carried = cast > 0 and vote.votes_for * 3 >= cast * 2
    return Tally(eligible_present=present, quorum_needed=needed, quorate=quorate,
                 carried=quorate and carried)


class ApprovalRule(PartnerRule, tag="approval"):
    """The approval path of a relationship request."""

    first_recipient: str = "executive"
    first_recipient_title: str = "Chief Executive Officer"
    board_title: str = "Board"
    board_required_for: list[RequestType] = msgspec.field(
        default_factory=lambda: ["support", "mou", "bilateral", "multi-party", "exchange"]
    )
    quorum_fraction: float = 0.5
    """Share of the board that must be present (not counting recused directors)."""
    majority: Majority = "simple"
    review_interval_months: int | None = None

    def problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if not 0 < self.quorum_fraction <= 1:
            found.append(("quorum_fraction", "must be more than 0 and at most 1"))
        found += out_of_range("review_interval_months", self.review_interval_months, 1, 120)
        return found

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not isinstance(subject, Partner):
            return None
        data: dict[str, object] = {
            "request": subject.request,
            "first_recipient": self.first_recipient,
            "received_by": subject.received_by,
            "board_required": subject.request in self.board_required_for,
            "quorum_fraction": self.quorum_fraction,
            "majority": self.majority,
            "review_interval_months": self.review_interval_months,
        }
        review = (f" Once agreed, the relationship is reviewed every "
                  f"{plural(self.review_interval_months, 'month')}."
                  if self.review_interval_months else "")
        if subject.received_by is not None and subject.received_by != self.first_recipient:
            return self.result(
                False,
                f"Requests go first to the {self.first_recipient_title}; this one was received "
                f"by {subject.received_by}.",
                data,
                effect="refer",
            )
        request = "MOU" if subject.request == "mou" else f"{subject.request} request"
        if subject.request not in self.board_required_for:
            return self.result(True, f"A {request} is decided by the {self.first_recipient_title}"
                               f" without going to the {self.board_title}.{review}", data)
        path = (f"The {self.first_recipient_title} receives the {request} first; the "
                f"{self.board_title} must sanction it before it is agreed")
        vote = subject.board
        if vote is None:
            return self.result(False, f"{path}. No {self.board_title} vote is recorded yet.",
                               data, effect="refer")
        count = tally(vote, quorum_fraction=self.quorum_fraction, majority=self.majority)
        data.update(vote=vote, quorum_needed=count.quorum_needed,
                    eligible_present=count.eligible_present, quorate=count.quorate,
                    carried=count.carried)
        review_due = (add_months(vote.decided_on, self.review_interval_months)
                      if vote.decided_on is not None and self.review_interval_months else None)
        data["review_due"] = review_due
        if not count.quorate:
            return self.result(
                False,
                f"{path}. The vote was not quorate: {count.eligible_present} of "
                f"{vote.board_size} directors could vote, {count.quorum_needed} needed "
                f"(quorum {number(self.quorum_fraction * 100)}%).",
                data,
                effect="refer",
            )
        tally_words = (f"{vote.votes_for} for, {vote.votes_against} against, "
                       f"{vote.abstained} abstaining"
                       + (f", {vote.recused} recused" if vote.recused else ""))
        if not count.carried:
            return self.result(False, f"{path}. The {self.board_title} did not sanction it "
                               f"({tally_words}; needs {MAJORITY_WORDS[self.majority]}).", data,
                               effect="ineligible")
        when = f" Review due by {human_date(review_due)}." if review_due is not None else review
        return self.result(True, f"{path}. The {self.board_title} sanctioned it ({tally_words})."
                           f"{when}", data)


def board_route(rule: ApprovalRule) -> str:
    """The approval path in one sentence, for showing a policy."""
    needs = one_of(["MOU" if r == "mou" else r for r in rule.board_required_for], "and")
    return (f"Requests go to the {rule.first_recipient_title} first; {needs} need the "
            f"{rule.board_title}'s sanction (quorum {number(rule.quorum_fraction * 100)}%, "
            f"{rule.majority} majority).")
