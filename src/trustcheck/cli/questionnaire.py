"""The interactive questionnaire: one statement at a time, one key press per answer."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import MappingProxyType
from typing import IO, NamedTuple

from rich.console import Console
from rich.text import Text

from trustcheck.checklist import Action, Checklist, Item
from trustcheck.commitments import MAX_PER_CHECK_IN, STATUS_LABELS
from trustcheck.records import OpenCommitment
from trustcheck.scoring import NOT_CAME_UP, Answer, needed
from trustcheck.text import one_line

SECONDS_PER_STATEMENT = 10
REVIEW_KEYS = {"d": "done", "p": "partly", "n": "not_done"}
ENTER = ("\n", "\r")
# Keys to pick an action at the end: digits first, then letters (never q, which quits).
PICK_KEYS = "123456789abcdefghijklmnoprstuvwxyz"


class Quit(Exception):
    """The person pressed q: stop without saving."""


class Answered(NamedTuple):
    """What the person told: answers by item id, and how earlier commitments went."""

    values: dict[str, Answer]
    statuses: Mapping[str, str] = MappingProxyType({})  # action id: done|partly|not_done


@contextmanager
def single_keys(stream: IO[str]) -> Iterator[int]:
    """Put the terminal in cbreak mode: keys arrive one at a time, unechoed; Ctrl-C still works."""
    import termios
    import tty

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield fd
    finally:
        _restore(fd, saved)


def _restore(fd: int, saved: list) -> None:
    """Give the terminal its echo back, on every way out: a shell such as dash does not, so a
    lost restore leaves the person typing blind after trustcheck ends."""
    import termios

    for _ in range(3):  # a second Ctrl-C or SIGTERM while restoring must not leave it undone
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            return
        except KeyboardInterrupt:
            continue
        except (termios.error, OSError):
            return  # the terminal is gone (hung up): there is nothing left to restore


def read_key(fd: int) -> str:
    """One key press. Escape sequences (arrow keys) come back as 'escape'; Ctrl-D as 'q'."""
    first = os.read(fd, 1)
    if not first or first == b"\x04":
        return "q"
    if first == b"\x1b":
        import select

        while select.select([fd], [], [], 0.05)[0]:
            os.read(fd, 16)
        return "escape"
    data = first
    while True:  # finish a multi-byte UTF-8 character
        try:
            return data.decode("utf-8").lower()
        except UnicodeDecodeError:
            if len(data) >= 4:
                return "?"
            data += os.read(fd, 1)


class Questionnaire:
    """Asks every statement of a checklist and returns the answers, or raises Quit."""

    def __init__(self, checklist: Checklist, console: Console, keys: int, *,
                 partner_view: bool = False) -> None:
        """`partner_view`: ask the statements about the partner instead of the self part."""
        self.checklist = checklist
        self.console = console
        self.keys = keys
        part = checklist.partner_view
        strategies = checklist.strategies
        if partner_view and part is not None:
            strategies = (part.felt_trust, *part.strategies)
        self.items = tuple(item for strategy in strategies for item in strategy.items)
        # A partner strategy shares its id with one of the self part (a shared strategy), so
        # titles are looked up in the part being asked.
        self.titles = {strategy.id: strategy.title for strategy in strategies}
        self.answers: dict[str, Answer] = {}

    def key(self) -> str:
        return read_key(self.keys)

    def scale_line(self, item: Item | None = None) -> Text:
        """The keys for one statement; `d` only where the event may not have happened."""
        scale = self.checklist.scale
        parts: list[tuple[str, str] | str] = []
        for value in scale.points:
            parts += [(str(value), "bold"), f" {one_line(scale.label(value))}   "]
        parts += [("s", "bold"), " skip   "]
        if item is not None and item.conditional:
            parts += [("d", "bold"), f" {NOT_CAME_UP}   "]
        parts += [("b", "bold"), " back   ", ("?", "bold"), " help   ", ("q", "bold"), " quit"]
        return Text.assemble(*parts, style="")

    def intro(self, *, role: str, saving_to: str | None, reviews: int = 0) -> None:
        total = len(self.items)
        minutes = max(1, math.ceil(total * SECONDS_PER_STATEMENT / 60))
        c = self.console
        c.print(Text(one_line(self.checklist.title), style="bold"))
        if self.checklist.description:
            c.print(Text(one_line(self.checklist.description)))
        c.print()
        c.print(f"You are answering as a {role}: {total} statements, about {minutes} minutes.")
        if reviews:
            c.print(f"First, {reviews} quick question{'s' if reviews != 1 else ''} about what "
                    "you committed to last time.")
        c.print("Think of your recent meetings and answer as honestly as you can.")
        if saving_to:
            c.print(Text(f"Your answers are saved only on this computer, in {saving_to}."))
        else:
            c.print("Your answers will not be saved (--no-save).")
        c.print("Nothing you answer leaves this computer.")
        c.print()
        c.print(Text.assemble("Press any key to start, or ", ("q", "bold"), " to quit."))
        if self.key() == "q":
            raise Quit

    def explain(self) -> None:
        scale = self.checklist.scale
        c = self.console
        c.print()
        c.print("How to answer: press the number that fits how true the statement is for you.")
        for value in scale.points:
            c.print(Text(f"  {value}  {one_line(scale.label(value))}"))
        c.print(Text(f"  s  {one_line(scale.skip_label)}: when the statement does not apply."))
        if any(item.conditional for item in self.items):
            c.print(f"  d  {NOT_CAME_UP}: for a statement about something that did not happen "
                    "this time; it counts neither for nor against you.")
        c.print("  b  go back to the previous statement to change its answer.")
        c.print("  q  quit without saving anything.")
        c.print("Some statements describe things that get in the way of trust; answer them as "
                "honestly as the others.")

    def ask_all(self, start: int = 0) -> dict[str, Answer]:
        index = start
        shown_strategy = None
        total = len(self.items)
        scale = self.checklist.scale
        valid = {str(v): v for v in scale.points}
        while index < total:
            item = self.items[index]
            if item.strategy != shown_strategy:
                # A valid checklist names only its own strategies; the id is a safe fallback.
                title = self.titles.get(item.strategy, item.strategy)
                self.console.print()
                self.console.print(Text(one_line(title), style="bold underline"))
                shown_strategy = item.strategy
            previous = self.answers.get(item.id, "unanswered")
            current = "" if previous == "unanswered" else (
                "  (your answer: skip)" if previous is None else f"  (your answer: {previous})")
            keys = f"{scale.low} to {scale.high}, s, {'d, ' if item.conditional else ''}b, ? or q"
            self.console.print()
            self.console.print(Text.assemble((f"{index + 1}/{total}", "dim"), "  ",
                                             Text(one_line(item.text)), (current, "dim")))
            self.console.print(self.scale_line(item))
            while True:
                key = self.key()
                if key in valid:
                    self.answers[item.id] = valid[key]
                    self.console.print(Text(f"  -> {key} {one_line(scale.label(valid[key]))}",
                                            style="green"))
                    index += 1
                    break
                if key == "s":
                    self.answers[item.id] = None
                    self.console.print(Text("  -> skipped", style="dim"))
                    index += 1
                    break
                if key == "d" and item.conditional:
                    self.answers[item.id] = NOT_CAME_UP
                    self.console.print(Text(f"  -> {NOT_CAME_UP}", style="dim"))
                    index += 1
                    break
                if key == "d":
                    self.console.print(Text(
                        f"  \"{NOT_CAME_UP}\" is only for statements about something that may "
                        f"not have happened; please press {scale.low} to {scale.high}, or s to "
                        "skip.", style="yellow"))
                    continue
                if key == "b":
                    if index == 0:
                        self.console.print("  This is the first statement; there is nothing "
                                           "before it.")
                        continue
                    index -= 1
                    shown_strategy = None
                    self.console.print(Text("  <- back", style="dim"))
                    break
                if key == "?":
                    self.explain()
                    self.console.print(self.scale_line(item))
                    continue
                if key == "q":
                    raise Quit
                self.console.print(Text(f"  Please press {keys}.", style="yellow"))
        return self.answers

    def offer(self, partner: str) -> bool:
        """Offer the partner view: any key starts it, p skips it, q quits."""
        total = len(self.items)
        minutes = max(1, math.ceil(total * SECONDS_PER_STATEMENT / 60))
        c = self.console
        c.print()
        c.print(Text(f"Now a few statements about your {partner}", style="bold"))
        c.print(f"How much you trust them, and what they did: {total} statements, about "
                f"{minutes} minutes. Your {partner} never sees these answers.")
        c.print(Text.assemble("Press any key to start, ", ("p", "bold"), " to skip this part, "
                              "or ", ("q", "bold"), " to quit."))
        key = self.key()
        if key == "q":
            raise Quit
        if key == "p":
            c.print(Text(f"  -> skipped the statements about your {partner}", style="dim"))
            return False
        return True

    def confirm_part(self) -> bool:
        """The end of the partner view: see the results (Enter/y), go back (b), or quit."""
        self.console.print()
        self.console.print(Text.assemble(
            "Press ", ("Enter", "bold"), " to see your results, ", ("b", "bold"),
            " to change your last answer, or ", ("q", "bold"), " to quit without saving."))
        while True:
            key = self.key()
            if key in ("\n", "\r", "y"):
                return True
            if key == "b":
                return False
            if key == "q":
                raise Quit

    def confirm(self, then: str = "to see your results") -> bool:
        """A short summary and one key: save (Enter/y), go back to the last statement (b), quit."""
        answered = sum(1 for value in self.answers.values() if isinstance(value, int))
        not_came_up = sum(1 for value in self.answers.values() if value == NOT_CAME_UP)
        skipped = len(self.items) - answered - not_came_up
        # The rule of answers.check_enough: half of the statements that came up, at least one.
        need = max(1, needed(len(self.items) - not_came_up))
        enough = answered >= need
        self.console.print()
        self.console.print(f"All done: {answered} answered, {skipped} skipped"
                           + (f", {not_came_up} {NOT_CAME_UP}." if not_came_up else "."))
        if enough:
            self.console.print(Text.assemble(
                "Press ", ("Enter", "bold"), f" {then}, ", ("b", "bold"),
                " to change your last answer, or ", ("q", "bold"), " to quit without saving."))
        else:
            self.console.print(Text.assemble(
                f"A result needs at least {need} answers"
                + (" to the statements that came up" if not_came_up else "") + ". Press ",
                ("b", "bold"), " to go back and answer more, or ", ("q", "bold"),
                " to quit without saving."))
        while True:
            key = self.key()
            if key in ("\n", "\r", "y") and enough:
                return True
            if key == "b":
                return False
            if key == "q":
                raise Quit


    def review(self, open_commitments: Sequence[OpenCommitment]) -> dict[str, str]:
        """How each open commitment went: one key each (d, p, n; s leaves it open; q quits)."""
        asking = list({o.commitment.action: o for o in open_commitments}.values())
        statuses: dict[str, str] = {}
        if not asking:
            return statuses
        c = self.console
        c.print()
        c.print(Text("Your commitments from last time", style="bold underline"))
        for number, item in enumerate(asking, start=1):
            made = item.made_at.astimezone().strftime("%Y-%m-%d")
            c.print()
            c.print(Text.assemble((f"{number}/{len(asking)}", "dim"), "  ",
                                  Text(one_line(item.commitment.text)),
                                  (f"  (chosen {made})", "dim")))
            c.print(Text.assemble(("d", "bold"), " done   ", ("p", "bold"), " partly   ",
                                  ("n", "bold"), " not done   ", ("s", "bold"),
                                  " leave it open   ", ("q", "bold"), " quit"))
            while True:
                key = self.key()
                if key in REVIEW_KEYS:
                    statuses[item.commitment.action] = REVIEW_KEYS[key]
                    c.print(Text(f"  -> {STATUS_LABELS[REVIEW_KEYS[key]]}", style="green"))
                    break
                if key == "s":
                    c.print(Text("  -> left open until your next check-in", style="dim"))
                    break
                if key == "q":
                    raise Quit
                c.print(Text("  Please press d, p, n, s or q.", style="yellow"))
        return statuses


def run(checklist: Checklist, *, role: str, saving_to: str | None,
        open_commitments: Sequence[OpenCommitment] = (),
        partner_view: bool = True) -> Answered:
    """Ask about open commitments, then every statement, then (if the checklist has one and
    `partner_view`) offer the statements about the partner, on the terminal.

    Prompts go to standard error, results to stdout.
    """
    asking_partner = partner_view and checklist.partner_view is not None
    console = Console(file=sys.stderr, highlight=False, emoji=False)
    with single_keys(sys.stdin) as keys:
        questionnaire = Questionnaire(checklist, console, keys)
        reviews = len({o.commitment.action for o in open_commitments})
        questionnaire.intro(role=role, saving_to=saving_to, reviews=reviews)
        statuses = questionnaire.review(open_commitments)
        start = 0
        while True:
            answers = questionnaire.ask_all(start)
            if questionnaire.confirm("to go on" if asking_partner else "to see your results"):
                break
            start = len(questionnaire.items) - 1  # "b" on the summary reopens the last one
        if asking_partner:
            part = Questionnaire(checklist, console, keys, partner_view=True)
            if part.offer(checklist.partner or "partner"):
                start = 0
                while True:
                    part.ask_all(start)
                    if part.confirm_part():
                        break
                    start = len(part.items) - 1
                answers = {**answers, **part.answers}
        return Answered(answers, statuses)


def pick(offered: Sequence[tuple[str, Sequence[Action]]]) -> list[str]:
    """Up to two actions (by id) to commit to; one key per pick, Enter when done, q quits.

    `offered` is each focus area's title with its actions; they are numbered in that order.
    """
    choices = [action for _, actions in offered for action in actions][:len(PICK_KEYS)]
    if not choices:
        return []
    keys_for = dict(zip(PICK_KEYS, choices, strict=False))
    key_of = {action.id: key for key, action in keys_for.items()}
    last = PICK_KEYS[len(choices) - 1]
    c = Console(file=sys.stderr, highlight=False, emoji=False)
    picked: list[Action] = []
    # Single keys from before the first prompt line: keys pressed once it shows are never lost.
    with single_keys(sys.stdin) as fd:
        c.print()
        c.print(Text(f"Pick up to {MAX_PER_CHECK_IN} of these to try before your next "
                     "check-in", style="bold"))
        c.print(Text.assemble("Press a number to pick it (again to drop it), ",
                              ("Enter", "bold"), " when done (right away for none), or ",
                              ("q", "bold"), " to quit without saving."))
        for title, actions in offered:
            shown = [a for a in actions if a.id in key_of]
            if not shown:
                continue
            c.print(Text(one_line(title), style="bold"))
            for action in shown:
                c.print(Text.assemble(f"  {key_of[action.id]}  ", Text(one_line(action.text))))
        while True:
            key = read_key(fd)
            if key in ENTER:
                break
            if key == "q":
                raise Quit
            pressed = keys_for.get(key)
            if pressed is None:
                c.print(Text(f"  Please press 1 to {last}, Enter when done, or q.",
                             style="yellow"))
            elif pressed in picked:
                picked.remove(pressed)
                c.print(Text.assemble(f"  - dropped {key}: ", Text(one_line(pressed.text)),
                                      style="dim"))
            elif len(picked) >= MAX_PER_CHECK_IN:
                c.print(Text(f"  You have picked {MAX_PER_CHECK_IN} already; press one of "
                             "their numbers again to drop it, or Enter to keep them.",
                             style="yellow"))
            else:
                picked.append(pressed)
                c.print(Text.assemble(f"  + picked {key}: ", Text(one_line(pressed.text)),
                                      style="green"))
                if len(picked) == MAX_PER_CHECK_IN:
                    c.print(Text.assemble("  Press ", ("Enter", "bold"),
                                          " to keep these two."))
    if not picked:
        c.print("No commitments this time.")
    return [action.id for action in picked]
