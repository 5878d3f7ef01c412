"""The partner a filter means: `--partner sam` finds the check-ins saved with "Sam".

Every command that narrows by partner (history, history trends, export, delete, focus,
commitments) asks here, so a name typed in another case or spacing finds the same person
everywhere, and a near miss gets the same "did you mean ...?".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trustcheck.records import Filters
    from trustcheck.store import Store


def resolved(store: Store, partner: str | None) -> str | None:
    """The partner's name as saved in the history, for the name a person typed.

    None (any partner) and "" (no partner named) stay as they are. A name that matches none
    saved but looks like one is an InputError naming the closest ("Did you mean Sam?"); a name
    like nothing saved stays as typed, so the command finds nothing and says so.
    """
    if not partner:
        return partner
    from trustcheck import names

    known = store.partners()
    found = names.resolve(partner, known)
    if found is not None:
        return found
    close = names.closest(partner, known)
    if close:
        from trustcheck.errors import InputError

        raise InputError(f"No check-ins with “{partner}”. Did you mean {_either(close)}?")
    return partner


def within(store: Store, scope: Filters) -> Filters:
    """The same filters, with the partner's name as saved."""
    partner = resolved(store, scope.partner)
    return scope if partner == scope.partner else scope._replace(partner=partner)


def _either(choices: list[str]) -> str:
    """'Sam', 'Sam or Samira', 'Sam, Samira or Sammy'."""
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"
