"""Generated applicant pools for the benchmark and the tests, reproducible from a seed.

The shapes follow the seeds: LIS interests from a vocabulary, library sectors, five
career stages, mentors further along than mentees with capacities 1..5, Australian time
zones for the mentoring schemes, and for ILN rounds many countries with one country
(as Australia was) supplying far more applicants than the rest.
"""

from __future__ import annotations

import random

from registry.matching.model import Background, Preference, Profile

INTERESTS = (
    "advocacy",
    "cataloguing",
    "children's services",
    "collection development",
    "copyright",
    "digital preservation",
    "information literacy",
    "leadership",
    "local studies",
    "open access",
    "outreach",
    "records management",
    "research data",
    "reference",
    "systems",
    "teaching",
)
SECTORS = ("public", "academic", "special", "school", "government", "health")
AU_OFFSETS = (8.0, 9.5, 10.0, 10.5)
PREFERENCES: tuple[Preference, ...] = ("interest", "career_stage", "open")
#: What ILN peers ask for: half either, a quarter each a similar or a different colleague.
BACKGROUNDS: tuple[Background, ...] = ("either", "either", "similar", "different")


def _interests(rng: random.Random) -> frozenset[str]:
    return frozenset(rng.sample(INTERESTS, rng.randint(1, 3)))


def mentoring_pool(
    mentees: int, mentors: int, seed: int = 7, max_capacity: int = 5
) -> tuple[list[Profile], list[Profile]]:
    """Mentees at stages 1..3 and mentors at 3..5 with capacities 1..max_capacity."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)

    def person(i: int, role: str) -> Profile:
        mentor = role == "mentor"
        languages = {"en"}
        if rng.random() < 0.1:
            languages.add(rng.choice(("zh", "vi", "ar", "it", "el")))
        if rng.random() < 0.02:  # a few speak only another language: often unmatched
            languages = {rng.choice(("zh", "vi"))}
        return Profile(
            id=f"{role}-{i:05d}",
            role="mentor" if mentor else "mentee",
            interests=_interests(rng),
            sector=rng.choice(SECTORS),
            career_stage=rng.randint(3, 5) if mentor else rng.randint(1, 3),
            years=rng.randint(4, 30) if mentor else rng.randint(0, 6),
            country="AU",
            languages=frozenset(languages),
            utc_offset=rng.choice(AU_OFFSETS),
            preference=rng.choice(PREFERENCES),
            capacity=rng.randint(1, max_capacity) if mentor else 1,
        )

    return (
        [person(i, "mentee") for i in range(mentees)],
        [person(i, "mentor") for i in range(mentors)],
    )


def peer_pool(
    size: int, countries: int = 60, seed: int = 7, lead_share: float = 0.3
) -> list[Profile]:
    """ILN applicants: `lead_share` of them from the first country, the rest spread."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    names = [f"C{c:02d}" for c in range(countries)]
    offsets = {name: float(rng.randint(-10, 12)) for name in names}
    offsets[names[0]] = 10.0
    local_language = {name: rng.choice(("es", "fr", "ar", "zh", "pt", "de")) for name in names}
    # A stream of its own, so the pools drawn before backgrounds existed stay the same.
    wishes = random.Random(seed * 31 + 1)  # noqa: S311 (reproducible test data)
    pool = []
    for i in range(size):
        country = names[0] if rng.random() < lead_share else rng.choice(names[1:])
        languages = {"en"} if rng.random() < 0.9 else set()
        if country != names[0] and rng.random() < 0.5:
            languages.add(local_language[country])
        if not languages:
            languages.add(local_language[country])
        pool.append(
            Profile(
                id=f"peer-{i:05d}",
                role="peer",
                interests=_interests(rng),
                sector=rng.choice(SECTORS),
                career_stage=rng.randint(1, 5),
                years=rng.randint(0, 30),
                country=country,
                languages=frozenset(languages),
                utc_offset=offsets[country],
                preference=rng.choice(PREFERENCES),
                background=wishes.choice(BACKGROUNDS),
            )
        )
    return pool
