"""Which strategies went together with felt trust in a cohort: Spearman's rank correlation.

Pure arithmetic, deterministic (no resampling). For each strategy, the scores of the people
who also said how much they trust their partner are ranked (ties share the average rank) and
Pearson's correlation of the two rankings is Spearman's rho. Its 95 % interval comes from
Fisher's z with the standard error Bonett and Wright (2000) give for Spearman's rho:

    SE(z) = sqrt((1 + rho^2 / 2) / (n - 3)),  interval = tanh(atanh(rho) +/- 1.96 x SE(z))

A strategy "went together with" felt trust only when that interval lies wholly above zero (or,
"went against", wholly below); otherwise the link is not clear in this group. It is an
association in this group, never a cause: people who trust their partner more may simply rate
themselves higher on everything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, NamedTuple

Z95 = 1.96
# Fewer pairs than this and rho's interval is too wide to say anything to a room.
MIN_PAIRS = 30

Link = Literal["went together", "went against", "not clear"]


class Association(NamedTuple):
    """Spearman's rho of one strategy with felt trust, its 95 % interval, and the verdict."""

    n: int
    rho: float
    low: float
    high: float
    link: Link


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the average of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    found = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1
        for position in range(start, end + 1):
            found[order[position]] = shared
        start = end + 1
    return found


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation; None when either side does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation of two paired series; None when either does not vary."""
    if len(xs) != len(ys):
        raise ValueError("the two series must be paired")
    return pearson(ranks(xs), ranks(ys))


def interval(rho: float, n: int) -> tuple[float, float]:
    """The 95 % interval of Spearman's rho from n pairs (Fisher z, Bonett-Wright SE); n > 3."""
    clipped = max(-0.9999, min(0.9999, rho))  # atanh(+-1) is infinite
    z = math.atanh(clipped)
    se = math.sqrt((1 + rho * rho / 2) / (n - 3))
    return math.tanh(z - Z95 * se), math.tanh(z + Z95 * se)


def associate(xs: Sequence[float], ys: Sequence[float],
              min_pairs: int = MIN_PAIRS) -> Association | None:
    """Rho, its interval and the verdict; None with fewer than `min_pairs` pairs (at least 4)
    or when either series does not vary (nothing to rank)."""
    n = len(xs)
    if n < max(min_pairs, 4):
        return None
    rho = spearman(xs, ys)
    if rho is None:
        return None
    low, high = interval(rho, n)
    link: Link = "went together" if low > 0 else "went against" if high < 0 else "not clear"
    return Association(n, rho, low, high, link)
