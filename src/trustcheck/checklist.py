"""Checklists: the model, loading from YAML, validation, and finding them by id."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from trustcheck import checklist_cache, yamlfile
from trustcheck.errors import InputError, Problem
from trustcheck.paths import builtin_folder, earlier_version_folders
from trustcheck.records import ROLES

DEFAULT_LABELS = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
DEFAULT_SKIP_LABEL = "Skip / not applicable"
OTHER_PLACEHOLDER = "{other}"
SHARED = "shared"  # the group of every strategy that comes from an included part
# The partner view (issue 11): statements about one's partner, answered after the self part.
PARTNER_VIEW = "partner_view"  # the group of felt trust, and the key of the part in a checklist
FELT_TRUST = "felt_trust"  # the id of felt trust, scored like a strategy
FELT_TRUST_TITLE = "Felt trust"
PARTNER_PREFIX = "partner."  # every partner-view statement's id starts with it
FELT_TRUST_STATEMENTS = (4, 6)  # how many felt-trust statements a partner view has

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")




def _close_matches(word: str, possibilities: list[str], n: int) -> list[str]:
    """difflib's close matches, imported only when a message needs a "Did you mean"."""
    from difflib import get_close_matches

    return get_close_matches(word, possibilities, n=n)

class Scale(NamedTuple):
    """The answer scale: whole numbers from `low` to `high`, each with a label."""

    low: int = 1
    high: int = 5
    labels: tuple[str, ...] = DEFAULT_LABELS
    skip_label: str = DEFAULT_SKIP_LABEL

    @property
    def points(self) -> range:
        return range(self.low, self.high + 1)

    def label(self, value: int) -> str:
        return self.labels[value - self.low]


class Item(NamedTuple):
    """One statement to rate. Agreeing with a reverse-keyed item signals a problem."""

    id: str
    text: str
    strategy: str
    reverse: bool = False
    # True when the statement depends on an event (feedback given, a disagreement): the
    # questionnaire then also offers "didn't come up".
    conditional: bool = False


class Action(NamedTuple):
    """A small, concrete thing to try before the next check-in."""

    id: str
    text: str


class Strategy(NamedTuple):
    """A trust-building habit, rated through its items."""

    id: str
    title: str
    why: str
    group: str
    items: tuple[Item, ...]
    actions: tuple[Action, ...] = ()
    # The stated reliability (Cronbach's alpha) of the strategy's score; None: the default.
    reliability: float | None = None


class Obstacle(NamedTuple):
    """A common obstacle to trust, signalled by low scores on some strategies."""

    id: str
    title: str
    signals: tuple[str, ...]
    remedy: str
    description: str = ""


class PartnerView(NamedTuple):
    """The second part of a role's checklist: how much the person trusts their partner (felt
    trust, scored like a strategy with the id `felt_trust`) and what the partner did, under the
    ids of the partner's own strategies (their role's and the shared ones), so that how a
    partner sees someone sits beside how that person sees themselves."""

    felt_trust: Strategy
    strategies: tuple[Strategy, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return self.felt_trust.items + tuple(
            item for strategy in self.strategies for item in strategy.items)


class Checklist(NamedTuple):
    """A complete questionnaire for one role, with any shared parts already included."""

    id: str
    version: str
    title: str
    role: str | None
    strategies: tuple[Strategy, ...]
    obstacles: tuple[Obstacle, ...] = ()
    description: str = ""
    scale: Scale = Scale()
    source: str = ""
    partner_view: PartnerView | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        """The statements about oneself (the partner view's are in `partner_items`)."""
        return tuple(item for strategy in self.strategies for item in strategy.items)

    @property
    def partner_items(self) -> tuple[Item, ...]:
        return () if self.partner_view is None else self.partner_view.items

    @property
    def partner(self) -> str | None:
        """The partner's role: whom the partner view is about."""
        return None if self.role is None else other_role(self.role)

    def strategy(self, strategy_id: str) -> Strategy | None:
        return next((s for s in self.strategies if s.id == strategy_id), None)

    def action(self, action_id: str) -> Action | None:
        return next((a for s in self.strategies for a in s.actions if a.id == action_id), None)

    def content(self) -> dict[str, Any]:
        """Everything that defines this checklist's meaning, as plain data."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "role": self.role,
            "description": self.description,
            "scale": {
                "low": self.scale.low,
                "high": self.scale.high,
                "labels": list(self.scale.labels),
                "skip": self.scale.skip_label,
            },
            "strategies": [
                {
                    "id": s.id,
                    "title": s.title,
                    "why": s.why,
                    "group": s.group,
                    "items": [_item_content(i) for i in s.items],
                    "actions": [{"id": a.id, "text": a.text} for a in s.actions],
                    # Keys added after version 1 appear only when set, so the fingerprint of
                    # every version 1 checklist stays what its stored results name.
                    **({} if s.reliability is None else {"reliability": s.reliability}),
                }
                for s in self.strategies
            ],
            "obstacles": [
                {
                    "id": o.id,
                    "title": o.title,
                    "description": o.description,
                    "signals": list(o.signals),
                    "remedy": o.remedy,
                }
                for o in self.obstacles
            ],
            # Only when there is one, so checklists without it keep their fingerprint.
            **({} if self.partner_view is None else {
                PARTNER_VIEW: _partner_view_content(self.partner_view)}),
        }

    @property
    def sha256(self) -> str:
        """A fingerprint of the content, so a stored result names exactly what was answered."""
        # Not hashlib: it starts OpenSSL (about 3 ms of every `assess`); see digests.py.
        from trustcheck.digests import sha256_hex

        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return sha256_hex(canonical.encode("utf-8"))


def other_role(role: str) -> str:
    return "mentee" if role == "mentor" else "mentor"


def _partner_view_content(part: PartnerView) -> dict[str, Any]:
    def strategy(s: Strategy) -> dict[str, Any]:
        return {"id": s.id, "title": s.title, "group": s.group,
                "items": [_item_content(i) for i in s.items],
                **({} if s.reliability is None else {"reliability": s.reliability})}

    return {FELT_TRUST: strategy(part.felt_trust),
            "strategies": [strategy(s) for s in part.strategies]}


def _item_content(item: Item) -> dict[str, Any]:
    content: dict[str, Any] = {"id": item.id, "text": item.text, "reverse": item.reverse}
    if item.conditional:
        content["conditional"] = True
    return content


# --- loading and validation -------------------------------------------------------------------

_TOP_KEYS = {"id", "version", "title", "role", "description", "include", "scale", "strategies",
             "obstacles", PARTNER_VIEW}
_PARTNER_VIEW_KEYS = {FELT_TRUST, "strategies"}
_FELT_TRUST_KEYS = {"items", "reliability"}
_PARTNER_STRATEGY_KEYS = {"id", "title", "items", "reliability"}
_SCALE_KEYS = {"low", "high", "labels", "skip"}
_STRATEGY_KEYS = {"id", "title", "why", "items", "actions", "reliability"}
_ITEM_KEYS = {"id", "text", "reverse", "conditional"}
_ACTION_KEYS = {"id", "text"}
_OBSTACLE_KEYS = {"id", "title", "description", "signals", "remedy"}


class _Reader:
    """Collects every problem in one checklist file instead of stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, message: str, line: int | None) -> None:
        self.problems.append(Problem(message, self.source, line))

    def mapping(self, value: Any, what: str, line: int | None, known: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(f"{what} should be a set of 'key: value' lines.", line)
            return None
        for key in value:
            if key not in known:
                hint = _close_matches(str(key), sorted(known), n=1)
                suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
                allowed = ", ".join(sorted(known))
                self.problem(
                    f"'{key}' is not something trustcheck knows in {what} (it knows: {allowed})."
                    f"{suggestion}",
                    yamlfile.line_of(value, key, line),
                )
        return value

    def text(self, parent: dict, key: str, what: str, *, required: bool = True) -> str:
        line = yamlfile.line_of(parent, key)
        value = parent.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(f"{what} has no '{key}'; please add its text.", line)
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(f"the '{key}' of {what} should be text.", line)
            return ""
        return str(value).strip()

    def identifier(self, parent: dict, what: str, seen: dict[str, int | None]) -> str:
        line = yamlfile.line_of(parent, "id")
        value = parent.get("id")
        if value is None or value == "":
            noun = what.removeprefix("the ")
            subject = what if noun != what else f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
            self.problem(f"{subject} has no 'id'; every {noun} needs one that never changes.",
                         line)
            return ""
        value = str(value)
        if not _ID.match(value):
            self.problem(
                f"the id '{value}' may use only lower-case letters, digits, '.', '_' and '-'.",
                line,
            )
        if value in seen:
            earlier = seen[value]
            where = f" (first used on line {earlier})" if earlier else ""
            self.problem(f"the id '{value}' is used twice{where}; ids must be unique.", line)
        else:
            seen[value] = line
        return value

    def entry(self, value: Any, line: int | None, known: set[str], kind: str, unnamed: str,
              seen: dict[str, int | None]) -> tuple[dict, str, str] | None:
        """A strategy, item, action or obstacle: its keys, its id, and how messages name it
        (`unnamed` until it has an id); None when it is not a mapping at all."""
        raw = self.mapping(value, unnamed, line, known)
        if raw is None:
            return None
        entry_id = self.identifier(raw, kind, seen)
        return raw, entry_id, f"the {kind} '{entry_id}'" if entry_id else unnamed

    def entries(self, parent: dict, key: str, what: str, known: set[str], kind: str,
                seen: dict[str, int | None], *,
                required: bool) -> Iterator[tuple[dict, int | None, str, str]]:
        """Each mapping in the list under `key` of `what` (the items or actions of a strategy),
        with its line, its id and how messages name it."""
        listed = self.sequence(parent, key, what, required=required)
        for index, value in enumerate(listed):
            line = yamlfile.line_of(listed, index)
            found = self.entry(value, line, known, kind, f"an {kind} of {what}", seen)
            if found is not None:
                raw, entry_id, name = found
                yield raw, line, entry_id, name

    def sequence(self, parent: dict, key: str, what: str, *, required: bool) -> list:
        value = parent.get(key)
        line = yamlfile.line_of(parent, key)
        if value is None:
            if required:
                self.problem(f"{what} has no '{key}'; please add at least one.", line)
            return []
        if not isinstance(value, list):
            self.problem(f"'{key}' in {what} should be a list (lines starting with '- ').", line)
            return []
        if not value and required:
            self.problem(f"{what} has an empty '{key}' list; please add at least one.", line)
        return value


class _Part(NamedTuple):
    """One file's worth of checklist, before includes are merged."""

    id: str
    version: str
    title: str
    role: str | None
    description: str
    includes: list[tuple[str, int | None]]
    scale: Scale | None
    strategies: list[Strategy]
    obstacles: list[tuple[Obstacle, int | None]]
    ids: dict[str, dict[str, int | None]]
    # Statements written once per role ({mentor: ..., mentee: ...}), by item id: resolved to
    # the role of the checklist that answers them, which a part does not know yet.
    role_texts: dict[str, dict[str, str]]
    # The partner view as written: felt trust, and each partner strategy with its line (its
    # title and group come from the partner's checklist, found when the whole is loaded).
    partner_view: tuple[Strategy, list[tuple[Strategy, int | None]]] | None = None
    partner_view_line: int | None = None


def _read_part(path: Path) -> tuple[_Part | None, list[Problem]]:
    text = yamlfile.read_text(path, what="checklist")
    data, problems = yamlfile.parse(text, source=str(path))
    reader = _Reader(str(path))
    reader.problems.extend(problems)
    if data is None:
        reader.problem("the file is empty; a checklist needs an id, a title and strategies.", 1)
        return None, reader.problems
    top = reader.mapping(data, "the checklist", 1, _TOP_KEYS)
    if top is None:
        return None, reader.problems

    ids: dict[str, dict[str, int | None]] = {"strategy": {}, "item": {}, "action": {},
                                             "obstacle": {}}
    checklist_id = reader.identifier(top, "the checklist", {})
    version = top.get("version")
    if version is None or isinstance(version, bool) or str(version).strip() == "":
        reader.problem("the checklist has no 'version'; start with 'version: 1'.",
                       yamlfile.line_of(top, "version", 1))
        version = ""
    elif isinstance(version, float):
        # YAML reads 1.10 as the number 1.1, so two versions would look the same.
        reader.problem(f"the version {version} is read as a decimal number, so 1.10 and 1.1 "
                       "would be the same; please write it in quotes (version: \"1.10\") or "
                       "as a whole number.", yamlfile.line_of(top, "version", 1))
    title = reader.text(top, "title", "the checklist")
    description = reader.text(top, "description", "the checklist", required=False)

    role = top.get("role")
    if role is not None and role not in ROLES:
        reader.problem(f"'role' should be mentor or mentee, not '{role}'.",
                       yamlfile.line_of(top, "role"))
        role = None

    includes = []
    include_list = reader.sequence(top, "include", "the checklist", required=False)
    for index, entry in enumerate(include_list):
        line = yamlfile.line_of(include_list, index)
        if not isinstance(entry, str) or not entry.strip():
            reader.problem("each 'include' entry should be the name of a YAML file.", line)
        else:
            includes.append((entry, line))

    scale = _read_scale(reader, top)

    strategies = []
    role_texts: dict[str, dict[str, str]] = {}
    strategy_list = reader.sequence(top, "strategies", "the checklist",
                                    required=not includes)
    for index, entry in enumerate(strategy_list):
        strategy = _read_strategy(reader, entry, yamlfile.line_of(strategy_list, index),
                                  group=str(role or checklist_id), ids=ids,
                                  role_texts=role_texts)
        if strategy is not None:
            strategies.append(strategy)

    obstacles = []
    obstacle_list = reader.sequence(top, "obstacles", "the checklist", required=False)
    for index, entry in enumerate(obstacle_list):
        line = yamlfile.line_of(obstacle_list, index)
        obstacle = _read_obstacle(reader, entry, line, ids)
        if obstacle is not None:
            obstacles.append((obstacle, line))

    partner_view = None
    partner_view_line = yamlfile.line_of(top, PARTNER_VIEW)
    if PARTNER_VIEW in top:
        if role is None:
            reader.problem("only a checklist with a 'role' can have a 'partner_view' part (it "
                           "is about that role's partner); please move it to the role's "
                           "checklist.", partner_view_line)
        else:
            partner_view = _read_partner_view(reader, top[PARTNER_VIEW], partner_view_line,
                                              ids, role_texts)

    part = _Part(checklist_id, str(version).strip(), title, role, description, includes, scale,
                 strategies, obstacles, ids, role_texts, partner_view, partner_view_line)
    return part, reader.problems


def _read_partner_view(reader: _Reader, value: Any, line: int | None,
                       ids: dict[str, dict[str, int | None]],
                       role_texts: dict[str, dict[str, str]],
                       ) -> tuple[Strategy, list[tuple[Strategy, int | None]]] | None:
    """`partner_view:` with `felt_trust:` (its items) and `strategies:` (one entry per
    strategy of the partner, by the partner's strategy id, with its items)."""
    raw = reader.mapping(value, "the partner view", line, _PARTNER_VIEW_KEYS)
    if raw is None:
        return None
    felt_line = yamlfile.line_of(raw, FELT_TRUST, line)
    felt_trust = Strategy(FELT_TRUST, FELT_TRUST_TITLE, "", PARTNER_VIEW, ())
    felt_raw = reader.mapping(raw.get(FELT_TRUST), "the partner view's felt trust", felt_line,
                              _FELT_TRUST_KEYS)
    if felt_raw is not None:
        what = "the partner view's felt trust"
        items = _read_items(reader, felt_raw, what, FELT_TRUST, ids, role_texts)
        low, high = FELT_TRUST_STATEMENTS
        if items and not low <= len(items) <= high:
            reader.problem(f"{what} has {len(items)} statements; please give {low} to {high}, "
                           "enough for a steady score and few enough to answer quickly.",
                           felt_line)
        felt_trust = felt_trust._replace(
            items=items, reliability=_read_reliability(reader, felt_raw, what, felt_line))
    strategies = []
    seen: dict[str, int | None] = {}
    listed = reader.sequence(raw, "strategies", "the partner view", required=True)
    for index, entry in enumerate(listed):
        entry_line = yamlfile.line_of(listed, index)
        found = reader.entry(entry, entry_line, _PARTNER_STRATEGY_KEYS, "partner strategy",
                             "a strategy of the partner view", seen)
        if found is None:
            continue
        entry_raw, strategy_id, what = found
        title = reader.text(entry_raw, "title", what)
        items = _read_items(reader, entry_raw, what, strategy_id, ids, role_texts)
        strategies.append((Strategy(strategy_id, title, "", "", items, (),
                                    _read_reliability(reader, entry_raw, what, entry_line)),
                           entry_line))
    return felt_trust, strategies


def _read_items(reader: _Reader, raw: dict, what: str, strategy_id: str,
                ids: dict[str, dict[str, int | None]],
                role_texts: dict[str, dict[str, str]]) -> tuple[Item, ...]:
    """The partner view's statements, by every rule of the self part's, and each id starting
    with `partner.`, so an answer always says which part it belongs to."""
    items = []
    for item_raw, item_line, item_id, item_what in reader.entries(
            raw, "items", what, _ITEM_KEYS, "item", ids["item"], required=True):
        if item_id and not item_id.startswith(PARTNER_PREFIX):
            reader.problem(f"the id of {item_what} should start with '{PARTNER_PREFIX}' (for "
                           f"example '{PARTNER_PREFIX}{item_id}'), as every statement about "
                           "the partner does.", item_line)
        items.append(_read_item(reader, item_raw, item_line, item_id, item_what, strategy_id,
                                role_texts))
    return tuple(items)


def _read_item(reader: _Reader, raw: dict, line: int | None, item_id: str, what: str,
               strategy_id: str, role_texts: dict[str, dict[str, str]]) -> Item:
    """One statement: its text (or texts by role, kept in `role_texts`) and its flags."""
    if isinstance(raw.get("text"), dict):
        by_role = _read_role_texts(reader, raw, what, line)
        if by_role and item_id:
            role_texts[item_id] = by_role
        text = by_role.get("mentor", "")
    else:
        text = reader.text(raw, "text", what)
    reverse = _read_flag(reader, raw, "reverse", what, line)
    conditional = _read_flag(reader, raw, "conditional", what, line)
    return Item(item_id, text, strategy_id, reverse, conditional)


def _read_scale(reader: _Reader, top: dict) -> Scale | None:
    if "scale" not in top:
        return None
    line = yamlfile.line_of(top, "scale")
    raw = reader.mapping(top["scale"], "the scale", line, _SCALE_KEYS)
    if raw is None:
        return None
    low, high = raw.get("low", 1), raw.get("high", 5)
    ok = True
    for key, value in (("low", low), ("high", high)):
        if not isinstance(value, int) or isinstance(value, bool):
            reader.problem(f"the scale's '{key}' should be a whole number.",
                           yamlfile.line_of(raw, key, line))
            ok = False
    if not ok:
        return None
    if high <= low:
        reader.problem(
            f"the scale runs from {low} to {high}; 'high' must be larger than 'low'.", line)
        return None
    if low < 0 or high > 9:
        reader.problem("the scale must stay within 0 to 9, so each answer is one key press.", line)
        return None
    labels = raw.get("labels")
    expected = high - low + 1
    if not isinstance(labels, list) or not labels:
        reader.problem(f"the scale needs 'labels': a list of {expected} names, one per point.",
                       yamlfile.line_of(raw, "labels", line))
        return None
    if len(labels) != expected or not all(isinstance(x, str) and x.strip() for x in labels):
        reader.problem(
            f"the scale has {expected} points ({low} to {high}) but {len(labels)} labels; "
            "please give one non-empty label per point.",
            yamlfile.line_of(raw, "labels", line))
        return None
    skip = raw.get("skip", DEFAULT_SKIP_LABEL)
    if not isinstance(skip, str) or not skip.strip():
        reader.problem("the scale's 'skip' label should be text.", yamlfile.line_of(raw, "skip"))
        skip = DEFAULT_SKIP_LABEL
    return Scale(low, high, tuple(label.strip() for label in labels), skip.strip())


def _read_strategy(reader: _Reader, entry: Any, line: int | None, *, group: str,
                   ids: dict[str, dict[str, int | None]],
                   role_texts: dict[str, dict[str, str]]) -> Strategy | None:
    found = reader.entry(entry, line, _STRATEGY_KEYS, "strategy", "a strategy", ids["strategy"])
    if found is None:
        return None
    raw, strategy_id, what = found
    title = reader.text(raw, "title", what)
    why = reader.text(raw, "why", what, required=False)
    reliability = _read_reliability(reader, raw, what, line)

    items = []
    for item_raw, item_line, item_id, item_what in reader.entries(
            raw, "items", what, _ITEM_KEYS, "item", ids["item"], required=True):
        items.append(_read_item(reader, item_raw, item_line, item_id, item_what, strategy_id,
                                role_texts))

    actions = [Action(action_id, reader.text(action_raw, "text", action_what))
               for action_raw, _, action_id, action_what in reader.entries(
                   raw, "actions", what, _ACTION_KEYS, "action", ids["action"], required=False)]
    return Strategy(strategy_id, title, why, group, tuple(items), tuple(actions), reliability)


def _read_flag(reader: _Reader, raw: dict, key: str, what: str, line: int | None) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        reader.problem(f"'{key}' of {what} should be true or false, not '{value}'.",
                       yamlfile.line_of(raw, key, line))
        return False
    return value


def _read_reliability(reader: _Reader, raw: dict, what: str, line: int | None) -> float | None:
    """A strategy's stated reliability: a number strictly between 0 and 1, or None if unset."""
    if "reliability" not in raw:
        return None
    value = raw["reliability"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        shown = "nothing" if value is None else f"'{value}'"
        reader.problem(f"the 'reliability' of {what} should be a number between 0 and 1 (such "
                       f"as 0.75, how consistent its statements are), not {shown}.",
                       yamlfile.line_of(raw, "reliability", line))
        return None
    return float(value)


def _read_role_texts(reader: _Reader, raw: dict, what: str, line: int | None) -> dict[str, str]:
    """`text: {mentor: ..., mentee: ...}`: one statement worded for each role; both are needed,
    because a part does not know which role will answer it."""
    text_line = yamlfile.line_of(raw, "text", line)
    by_role = reader.mapping(raw["text"], f"the text of {what}", text_line, set(ROLES))
    if by_role is None:
        return {}
    found = {}
    for role in ROLES:
        if role not in by_role:
            reader.problem(f"the text of {what} is worded by role, so it needs a '{role}' "
                           f"line too (one for mentor and one for mentee).", text_line)
            continue
        found[role] = reader.text(by_role, role, f"the text of {what}")
    return found if all(found.get(role) for role in ROLES) else {}


def _read_obstacle(reader: _Reader, entry: Any, line: int | None,
                   ids: dict[str, dict[str, int | None]]) -> Obstacle | None:
    found = reader.entry(entry, line, _OBSTACLE_KEYS, "obstacle", "an obstacle", ids["obstacle"])
    if found is None:
        return None
    raw, obstacle_id, what = found
    title = reader.text(raw, "title", what)
    remedy = reader.text(raw, "remedy", what)
    description = reader.text(raw, "description", what, required=False)
    signals = reader.sequence(raw, "signals", what, required=True)
    if not all(isinstance(s, str) for s in signals):
        reader.problem(f"'signals' of {what} should list strategy ids.",
                       yamlfile.line_of(raw, "signals", line))
        signals = [s for s in signals if isinstance(s, str)]
    return Obstacle(obstacle_id, title, tuple(signals), remedy, description)


def _merge_ids(reader: _Reader, into: dict[str, dict[str, int | None]],
               part: _Part, part_source: str, include_line: int | None) -> None:
    for kind, seen in part.ids.items():
        for identifier in seen:
            if identifier in into[kind]:
                where = f" (line {seen[identifier]})" if seen[identifier] else ""
                reader.problem(
                    f"the {kind} id '{identifier}' is used both in this checklist and in "
                    f"{part_source}{where}; ids must be unique across included files.",
                    include_line)
            else:
                into[kind][identifier] = seen[identifier]


def _for_role(strategy: Strategy, role: str | None,
              role_texts: dict[str, dict[str, str]]) -> Strategy:
    """A strategy as the checklist's role reads it: each statement written per role gets that
    role's text, and {other} becomes the partner's role."""
    if role is None:
        # A part on its own (validated or linted): show both wordings, so neither is hidden.
        def worded(item: Item) -> str:
            texts = role_texts.get(item.id)
            return item.text if texts is None else " / ".join(
                f"{who.capitalize()}: {texts[who]}" for who in ROLES)

        return strategy._replace(items=tuple(i._replace(text=worded(i)) for i in strategy.items))
    other = "mentee" if role == "mentor" else "mentor"

    def fill(text: str) -> str:
        return text.replace(OTHER_PLACEHOLDER, other)

    return strategy._replace(
        title=fill(strategy.title), why=fill(strategy.why),
        items=tuple(i._replace(text=fill(role_texts.get(i.id, {}).get(role, i.text)))
                    for i in strategy.items),
        actions=tuple(Action(a.id, fill(a.text)) for a in strategy.actions),
    )


def load(path: Path) -> Checklist:
    """Load and validate a checklist file; raise InputError listing every problem found."""
    cached = checklist_cache.read(Path(path))  # its compiled copy, while the file is unchanged
    if cached is not None:
        return cached
    checklist, problems = _load(Path(path))
    if problems or checklist is None:
        raise InputError(
            f"The checklist {path} has {_count(problems, 'problem')}; please fix "
            f"{'it' if len(problems) == 1 else 'them'} and try again.",
            problems,
        )
    checklist_cache.write(Path(path), checklist)
    return checklist


def check(path: Path) -> list[Problem]:
    """Every problem in a checklist file (an empty list when it is valid)."""
    try:
        return _load(Path(path), thorough=True)[1]
    except InputError as exc:
        return list(exc.problems) or [Problem(exc.message)]


def _count(things: Iterable[Any], noun: str) -> str:
    n = len(list(things))
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _include_path(path: Path, name: str) -> tuple[Path | None, str]:
    """Where an `include:` entry points, or why it is refused.

    Includes stay inside the including file's folder, or (through a link) the built-in
    checklists folder: a checklist from someone else must not make trustcheck read, and quote
    in its messages, a file elsewhere on this computer. A refused file is never opened.
    """
    if "\0" in name:
        return None, f"the included file '{name}' was not found next to this file."
    if Path(name).is_absolute() or name.startswith("~") or ".." in Path(name).parts:
        return None, (f"the included file '{name}' is outside this checklist's folder; an "
                      "include may only name a file next to the checklist (no '/' at the "
                      "start, no '..').")
    candidate = (path.parent / name).resolve()
    allowed = (path.parent.resolve(), builtin_folder().resolve())
    if not any(candidate.is_relative_to(root) for root in allowed):
        # A symbolic link out of the folder; one to the built-in parts is fine.
        return None, (f"the included file '{name}' links to a place outside this checklist's "
                      "folder; please copy the file next to the checklist instead.")
    if candidate.is_file():
        return candidate, ""
    return None, f"the included file '{name}' was not found next to this file."


def _load(path: Path, *, thorough: bool = False) -> tuple[Checklist | None, list[Problem]]:
    """A checklist and its problems. `thorough` (`checklists validate`) also checks what needs
    another file: that each partner-view strategy is one of the partner's."""
    part, problems = _read_part(path)
    if part is None:
        return None, problems
    reader = _Reader(str(path))
    reader.problems = problems
    strategies = list(part.strategies)
    obstacles = list(part.obstacles)
    ids = {kind: dict(seen) for kind, seen in part.ids.items()}
    role_texts = dict(part.role_texts)
    for name, line in part.includes:
        included_path, refusal = _include_path(path, name)
        if included_path is None:
            reader.problem(refusal, line)
            continue
        try:
            included, included_problems = _read_part(included_path)
        except InputError as exc:
            reader.problem(f"the included file '{name}' could not be read: {exc.message}", line)
            continue
        reader.problems.extend(included_problems)
        if included is None:
            continue
        if included.role is not None or included.includes:
            reader.problem(
                f"'{name}' is a full checklist; only parts without 'role' or 'include' "
                "can be included.", line)
            continue
        _merge_ids(reader, ids, included, name, line)
        role_texts.update(included.role_texts)
        # Whatever the part's id, its strategies are shared: both roles answer them.
        strategies.extend(s._replace(group=SHARED) for s in included.strategies)
        obstacles.extend((o, ol) for o, ol in included.obstacles)

    if not strategies and not any(p.message.endswith("please add at least one.")
                                  for p in reader.problems):
        reader.problem("the checklist has no strategies; please add at least one.", 1)
    known = {s.id for s in strategies}
    for obstacle, line in obstacles:
        for signal in obstacle.signals:
            if signal not in known:
                hint = _close_matches(signal, sorted(known), n=1)
                suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
                reader.problem(
                    f"the obstacle '{obstacle.id}' names the strategy '{signal}', which this "
                    f"checklist does not have.{suggestion}", line)
    for strategy in strategies:
        for item in strategy.items:
            if item.id.startswith(PARTNER_PREFIX):
                reader.problem(f"the statement '{item.id}' is about oneself, so its id may not "
                               f"start with '{PARTNER_PREFIX}' (kept for the partner view).",
                               None)
    partner_view = None
    if part.partner_view is not None and part.role is not None:
        partner_view = _resolve_partner_view(reader, path, part, strategies, role_texts,
                                             thorough=thorough)
    if reader.problems:
        return None, reader.problems
    checklist = Checklist(
        id=part.id,
        version=part.version,
        title=part.title,
        role=part.role,
        description=part.description,
        scale=part.scale or Scale(),
        strategies=tuple(_for_role(s, part.role, role_texts) for s in strategies),
        obstacles=tuple(o for o, _ in obstacles),
        source=str(path),
        partner_view=partner_view,
    )
    return checklist, []


def _resolve_partner_view(reader: _Reader, path: Path, part: _Part,
                          strategies: list[Strategy], role_texts: dict[str, dict[str, str]], *,
                          thorough: bool) -> PartnerView | None:
    """The partner view with each strategy in the partner's group (a shared one, or the
    partner's role). When `thorough` (`checklists validate`), every strategy must be one the
    partner rates themselves on: their role's checklist's, or a shared one. Only then is the
    partner's checklist read: a checklist loads from its own files alone, so loading stays
    quick and a compiled copy depends on nothing else."""
    assert part.partner_view is not None and part.role is not None
    felt_trust, listed = part.partner_view
    partner = other_role(part.role)
    shared = {s.id: s for s in strategies if s.group == SHARED}
    theirs: dict[str, Strategy] = {}
    if thorough:
        theirs = {s.id: s for s in _partner_strategies(path, partner)}
        theirs.update(shared)
    resolved = []
    for strategy, line in listed:
        if thorough and strategy.id not in theirs:
            hint = _close_matches(strategy.id, sorted(theirs), n=1)
            suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
            reader.problem(f"the partner view names the strategy '{strategy.id}', which is "
                           f"neither a {partner} strategy nor a shared one.{suggestion}", line)
            continue
        resolved.append(strategy._replace(group=SHARED if strategy.id in shared else partner))
    if not resolved:
        return None

    def worded(strategy: Strategy) -> Strategy:
        return strategy._replace(items=tuple(
            i._replace(text=role_texts.get(i.id, {}).get(part.role or "", i.text)
                       .replace(OTHER_PLACEHOLDER, partner))
            for i in strategy.items))

    return PartnerView(worded(felt_trust), tuple(worded(s) for s in resolved))


def _partner_strategies(path: Path, partner: str) -> list[Strategy]:
    """The partner role's own strategies: from the checklist for that role next to this one
    (the same version), else the built-in one."""
    for folder in (path.parent, builtin_folder()):
        candidate = folder / f"{partner}.yaml"
        if not candidate.is_file():
            continue
        try:
            found, _ = _read_part(candidate)
        except InputError:
            continue
        if found is not None and found.role == partner:
            return found.strategies
    return []


# --- finding checklists -----------------------------------------------------------------------

class Listing(NamedTuple):
    """A checklist found in a checklist folder, or the problems that stop it loading."""

    path: Path
    builtin: bool
    checklist: Checklist | None
    problems: tuple[Problem, ...] = ()


def scan(folders: Iterable[tuple[Path, bool]]) -> Iterator[Listing]:
    """Every YAML file with a role in the given (folder, is_builtin) pairs, in a stable order."""
    for folder, builtin in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.y*ml")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            try:
                checklist, problems = _load(path)
            except InputError as exc:
                checklist, problems = None, list(exc.problems) or [Problem(exc.message)]
            if checklist is not None and checklist.role is None:
                continue  # a part, meant only to be included
            if checklist is None and _is_part(path):
                continue
            yield Listing(path, builtin, checklist, tuple(problems))


def _is_part(path: Path) -> bool:
    try:
        data, _ = yamlfile.parse(yamlfile.read_text(path, what="checklist"), source=str(path))
    except InputError:
        return False
    return isinstance(data, dict) and "role" not in data


def looks_like_path(reference: str) -> bool:
    return ("/" in reference or "\\" in reference or reference.endswith((".yaml", ".yml"))
            or Path(reference).is_file())


def find(reference: str, folders: list[tuple[Path, bool]]) -> Checklist:
    """A checklist by path or by id; the first folder wins, so users can replace a built-in."""
    if looks_like_path(reference):
        return load(Path(reference).expanduser())
    return _by_id(reference, folders)


def choose_checklist(reference: str | None, role: str | None,
                     folders: Iterable[tuple[Path, bool]]) -> Checklist:
    """The checklist to use: the one named, or the standard one for the role; roles must agree."""
    if reference is None:
        if role is None:
            raise InputError("Please say whose view this is with --role mentor or --role mentee.")
        reference = role
    found = find(reference, list(folders))
    found_role = role_of(found)
    if role is not None and found_role != role:
        raise InputError(f"The checklist '{found.id}' is for {found_role}s, but you chose "
                         f"--role {role}; please pick a {role} checklist or change --role.")
    return found


def role_of(checklist: Checklist) -> str:
    """Whose view a checklist asks for; a shared part (no role) cannot be answered alone."""
    if checklist.role is None:
        raise InputError(f"The checklist '{checklist.id}' is a shared part without a role; "
                         "please choose a checklist made for mentors or mentees.")
    return checklist.role


def find_by_id(checklist_id: str, folders: list[tuple[Path, bool]]) -> Checklist:
    """A checklist by id only, for ids read from data (results, the history): never a path.

    An id that is not a checklist id (a path, '..', an empty one) is refused without touching
    the disk.
    """
    if not isinstance(checklist_id, str) or not _ID.match(checklist_id):
        raise InputError("That is not a checklist id (ids use only lower-case letters, digits, "
                         "'.', '_' and '-'); run `trustcheck checklists list` to see them.")
    return _by_id(checklist_id, folders)


def is_id(text: object) -> bool:
    """Whether this is a well-formed checklist id."""
    return isinstance(text, str) and bool(_ID.match(text))


class NotFound(InputError):
    """No checklist with that id in any folder searched."""


def _by_id(reference: str, folders: list[tuple[Path, bool]]) -> Checklist:
    available = []
    for folder, builtin in folders:
        # Usually a file is named after its id: try that before reading the whole folder.
        for candidate in (folder / f"{reference}.yaml", folder / f"{reference}.yml"):
            if candidate.is_file():
                checklist = load(candidate)  # a broken file with that name: say why
                if checklist.id == reference and checklist.role is not None:
                    return checklist
        for listing in scan([(folder, builtin)]):
            if listing.checklist is not None:
                if listing.checklist.id == reference:
                    return listing.checklist
                available.append(listing.checklist.id)
    names = ", ".join(sorted(set(available))) or "none"
    raise NotFound(
        f"There is no checklist called '{reference}' (available: {names}); "
        "run `trustcheck checklists list` to see them all."
    )


def with_earlier(folders: Iterable[tuple[Path, bool]]) -> list[tuple[Path, bool]]:
    """The checklist folders, then the folders of earlier versions kept inside each (v1/ ...),
    newest first: where results made with an earlier version find their checklist."""
    folders = list(folders)
    return folders + [(earlier, builtin) for folder, builtin in folders
                      for earlier in earlier_version_folders(folder)]


def find_version(checklist_id: str, version: str,
                 folders: Iterable[tuple[Path, bool]]) -> Checklist | None:
    """The given version of a checklist, in the folders or the earlier versions kept in them;
    None when this computer does not have that version."""
    for listing in scan(with_earlier(folders)):
        found = listing.checklist
        if found is not None and found.id == checklist_id and found.version == version:
            return found
    return None


def as_version(found: Checklist, version: str | None, folders: Iterable[tuple[Path, bool]], *,
               reference: str | None = None) -> Checklist:
    """The version of a checklist an answers file was made for, when this computer keeps it
    (a file made from version 1 is still answered against version 1); else `found`. A
    checklist named by its path is used as it is."""
    if version is None or version == found.version or (
            reference is not None and looks_like_path(reference)):
        return found
    return find_version(found.id, version, folders) or found


# --- JSON forms (docs/json.md) -----------------------------------------------------------------


def summary_to_dict(checklist: Checklist) -> dict[str, Any]:
    """A checklist's identity and scale, as templates and `checklists list` show it."""
    return {
        "id": checklist.id,
        "version": checklist.version,
        "title": checklist.title,
        "role": checklist.role,
        "sha256": checklist.sha256,
        "scale": {
            "low": checklist.scale.low,
            "high": checklist.scale.high,
            "labels": list(checklist.scale.labels),
            "skip": checklist.scale.skip_label,
        },
    }


def to_dict(checklist: Checklist) -> dict[str, Any]:
    """`checklists show --format json`: everything in the checklist, and its fingerprint."""
    return {**checklist.content(), "sha256": checklist.sha256}


def listing_to_dict(listing: Listing) -> dict[str, Any]:
    """One usable checklist in `checklists list --format json`."""
    assert listing.checklist is not None  # only checklists that load are listed
    return {**summary_to_dict(listing.checklist), "statements": len(listing.checklist.items),
            "builtin": listing.builtin, "path": str(listing.path)}


def template_to_dict(checklist: Checklist, *, partner_view: bool = False) -> dict[str, Any]:
    """The JSON answers template: the checklist's identity and every item to answer (with
    `partner_view`, the statements about the partner too, under "partner_view")."""
    groups = {strategy.id: strategy.group for strategy in checklist.strategies}
    return {
        "checklist": summary_to_dict(checklist),
        "items": [
            {"id": item.id, "strategy": item.strategy, "group": groups[item.strategy],
             "text": item.text, "reverse": item.reverse, "conditional": item.conditional}
            for item in checklist.items
        ],
        # The statements about one's partner, for an answers file's `partner_view:` section.
        **({PARTNER_VIEW: [
            {"id": item.id, "strategy": item.strategy, "text": item.text,
             "reverse": item.reverse, "conditional": item.conditional}
            for item in checklist.partner_items
        ]} if partner_view else {}),
    }
