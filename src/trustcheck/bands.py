"""The bands a score falls in: one small rule, kept apart so listings need no scoring code."""

# Lower bound of each band, highest first. A score of exactly 40 is "developing".
BANDS: tuple[tuple[float, str], ...] = (
    (80.0, "strong"),
    (60.0, "solid"),
    (40.0, "developing"),
    (0.0, "needs attention"),
)
NOT_ENOUGH = "not enough answers"


def band(score: float | None) -> str:
    if score is None:
        return NOT_ENOUGH
    for lower, name in BANDS:
        if score >= lower:
            return name
    return BANDS[-1][1]
