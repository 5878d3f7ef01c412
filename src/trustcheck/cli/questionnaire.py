"""The interactive questionnaire: one statement at a time, one key press per answer."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import MappingProxyType
from typing import IO, NamedTuple

from rich.console import Console
from rich.text import Text

from trustcheck.checklist import Action, Checklist
from trustcheck.commitments import MAX_PER_CHECK_IN, STATUS_LABELS
from trustcheck.records import OpenCommitment
from trustcheck.render.text import hanging, progress, show
from trustcheck.scoring import NOT_CAME_UP, Answer, needed
from trustcheck.text import one_line

SECONDS_PER_STATEMENT = 10
REVIEW_KEYS = {"d": "done", "p": "partly", "n": "not_done"}
ENTER = ("\n", "\r")
# Keys to pick an action at the end: digits first, then letters (never q, which quits, nor d,
# which shows the details).
PICK_KEYS = "123456789acefghijklmnoprstuvwxyz"
DETAILS_KEY = "d"


class Quit(Exception):
    """The person pressed q: stop without saving."""


class Answered(NamedTuple):
    """What the person told: answers by item id, and how earlier commitments went."""

    values: dict[str, Answer]
    statuses: Mapping[str, str] = MappingProxyType({})  # action id: done|partly|not_done
    details: bool = False  # `d` at the end: see the results in full


def legend(entries: Sequence[tuple[str, str]], width: int, lead: str = "Keys: ") -> Text:
    """Keys and what they do, packed into lines no wider than `width`: a line breaks only
    between two keys, never inside one, and follow-on lines line up under the first key."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = len(lead)
    for key, meaning in entries:
        size = len(key) + 1 + len(meaning)
        if lines[-1] and used + 3 + size > width:
            lines.append([])
            used = len(lead)
        used += (3 if lines[-1] else 0) + size
        lines[-1].append((key, meaning))
    text = Text(lead)
    for number, line in enumerate(lines):
        if number:
            text.append("\n" + " " * len(lead))
        for index, (key, meaning) in enumerate(line):
            if index:
                text.append("   ")
            text.append(key, style="bold")
            text.append(f" {meaning}")
    return text


def ask_before_quitting(console: Console, keys: int, answered: int) -> None:
    """`q` after some answers asks once ("Quit and lose 30 answers? y/n"); y quits (Quit), any
    other key carries on. With nothing answered yet it quits at once; Ctrl-C always does."""
    if answered <= 0:
        raise Quit
    console.print(Text(f"  Quit and lose {answered} answer{'s' if answered != 1 else ''}? y/n",
                       style="bold"))
    if read_key(keys) == "y":
        raise Quit
    console.print(Text("  -> carrying on", style="dim"))


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
        self.already = 0  # answers given before this part (the self part, for the partner view)

    def key(self) -> str:
        return read_key(self.keys)

    def scale_line(self) -> Text:
        """The keys, shown once at the start and again on `?` (not under every statement)."""
        scale = self.checklist.scale
        entries = [(str(value), one_line(scale.label(value))) for value in scale.points]
        entries.append(("s", "skip"))
        if any(item.conditional for item in self.items):
            entries.append(("d", f"{NOT_CAME_UP} (where offered)"))
        entries += [("b", "back"), ("?", "help"), ("q", "quit")]
        return legend(entries, min(self.console.width, 80))

    def answered(self) -> int:
        """Statements answered so far (skips included), which quitting would lose."""
        return self.already + len(self.answers)

    def quit_asked(self) -> None:
        ask_before_quitting(self.console, self.keys, self.answered())

    def intro(self, *, role: str, saving_to: str | None, reviews: int = 0,
              partner: str | None = None) -> None:
        total = len(self.items)
        minutes = max(1, math.ceil(total * SECONDS_PER_STATEMENT / 60))
        c = self.console
        c.print(Text(one_line(self.checklist.title), style="bold"))
        if self.checklist.description:
            c.print(Text(one_line(self.checklist.description)))
        c.print()
        about = Text.assemble(f"You are answering as a {role}")
        if partner:
            about.append_text(Text.assemble(" about ", (one_line(partner), "bold")))
        about.append(f": {total} statements, about {minutes} minutes.")
        c.print(about)
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
        c.print("Answer each statement with one key, no Enter needed:")
        c.print(self.scale_line())
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
        c.print(self.scale_line())

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
            where = progress(index + 1, total)
            show(self.console, hanging(Text.assemble((where, "dim"), "  "), Text.assemble(
                Text(one_line(item.text)), (current, "dim"))))
            if item.conditional:
                self.console.print(Text.assemble(
                    "  or ", ("d", "bold"), f" {NOT_CAME_UP}: this may not have happened this "
                    "time"))
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
                    continue
                if key == "q":
                    self.quit_asked()
                    continue
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
            self.quit_asked()
            return self.offer(partner)
        if key == "p":
            c.print(Text(f"  -> skipped the statements about your {partner}", style="dim"))
            return False
        return True

    def _end_keys(self, then: str, offer_details: bool) -> Text:
        parts: list[tuple[str, str] | str] = ["Press ", ("Enter", "bold"), f" {then}, "]
        if offer_details:
            parts += [("d", "bold"), " to see them in full (every action, obstacles and a "
                      "strength), "]
        parts += [("b", "bold"), " to change your last answer, or ", ("q", "bold"),
                  " to quit without saving."]
        return Text.assemble(*parts)

    def _end_key(self, enough: bool, offer_details: bool) -> str:
        """"go" (Enter or y), "details" (d, when offered), or "back" (b); q asks, then quits."""
        while True:
            key = self.key()
            if key in ("\n", "\r", "y") and enough:
                return "go"
            if key == DETAILS_KEY and enough and offer_details:
                return "details"
            if key == "b":
                return "back"
            if key == "q":
                self.quit_asked()
                self.console.print(self._end_keys("to see your results", offer_details)
                                   if enough else Text("Press b to go back, or q to quit."))

    def confirm_part(self, offer_details: bool = True) -> str:
        """The end of the partner view: see the results (Enter/y; d in full), go back (b), or
        quit."""
        self.console.print()
        self.console.print(self._end_keys("to see your results", offer_details))
        return self._end_key(True, offer_details)

    def confirm(self, then: str = "to see your results", offer_details: bool = True) -> str:
        """A short summary and one key: go on (Enter/y), see the results in full (d, when
        offered), go back to the last statement (b), or quit (q, asked once)."""
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
            self.console.print(self._end_keys(then, offer_details))
        else:
            self.console.print(Text.assemble(
                f"A check-in needs at least {need} answers"
                + (" to the statements that came up" if not_came_up else "") + ". Press ",
                ("b", "bold"), " to go back and answer more, or ", ("q", "bold"),
                " to quit without saving."))
        return self._end_key(enough, offer_details)

    def review(self, open_commitments: Sequence[OpenCommitment]) -> dict[str, str]:
        """How each open commitment went: one key each (d, p, n; s leaves it open; b goes back
        to the one before; ? explains; q quits)."""
        asking = list({o.commitment.action: o for o in open_commitments}.values())
        statuses: dict[str, str] = {}
        if not asking:
            return statuses
        c = self.console
        c.print()
        c.print(Text("Your commitments from last time", style="bold underline"))
        c.print(legend([("d", "done"), ("p", "partly"), ("n", "not done"),
                        ("s", "leave it open"), ("b", "back"), ("?", "help"), ("q", "quit")],
                       min(c.width, 80)))
        index = 0
        while index < len(asking):
            item = asking[index]
            made = item.made_at.astimezone().strftime("%Y-%m-%d")
            action = item.commitment.action
            told = statuses.get(action)
            current = f"  (your answer: {STATUS_LABELS[told]})" if told else ""
            c.print()
            show(c, hanging(Text.assemble((f"{index + 1}/{len(asking)}", "dim"), "  "),
                            Text.assemble(Text(one_line(item.commitment.text)),
                                          (f"  (chosen {made})", "dim"), (current, "dim"))))
            while True:
                key = self.key()
                if key in REVIEW_KEYS:
                    statuses[action] = REVIEW_KEYS[key]
                    c.print(Text(f"  -> {STATUS_LABELS[REVIEW_KEYS[key]]}", style="green"))
                    index += 1
                    break
                if key == "s":
                    statuses.pop(action, None)
                    c.print(Text("  -> left open until your next check-in", style="dim"))
                    index += 1
                    break
                if key == "b":
                    if index == 0:
                        c.print("  This is the first one; there is nothing before it.")
                        continue
                    index -= 1
                    c.print(Text("  <- back", style="dim"))
                    break
                if key == "?":
                    c.print("  How did you get on with what you committed to last time? "
                            "d done, p partly done, n not done, s leave it open to tell next "
                            "time; b goes back to the one before.")
                    continue
                if key == "q":
                    raise Quit
                c.print(Text("  Please press d, p, n, s, b, ? or q.", style="yellow"))
        return statuses


def run(checklist: Checklist, *, role: str, saving_to: str | None,
        open_commitments: Sequence[OpenCommitment] = (),
        partner_view: bool = True, partner: str | None = None) -> Answered:
    """Ask about open commitments, then every statement, then (if the checklist has one and
    `partner_view`) offer the statements about the partner, on the terminal.

    Prompts go to standard error, results to stdout.
    """
    asking_partner = partner_view and checklist.partner_view is not None
    console = Console(file=sys.stderr, highlight=False, emoji=False)
    details = False
    with single_keys(sys.stdin) as keys:
        questionnaire = Questionnaire(checklist, console, keys)
        reviews = len({o.commitment.action for o in open_commitments})
        questionnaire.intro(role=role, saving_to=saving_to, reviews=reviews, partner=partner)
        statuses = questionnaire.review(open_commitments)
        start = 0
        while True:
            answers = questionnaire.ask_all(start)
            step = questionnaire.confirm("to go on" if asking_partner else "to see your results",
                                         offer_details=not asking_partner)
            if step != "back":
                details = step == "details"
                break
            start = len(questionnaire.items) - 1  # "b" on the summary reopens the last one
        if asking_partner:
            part = Questionnaire(checklist, console, keys, partner_view=True)
            part.already = questionnaire.answered()
            if part.offer(checklist.partner or "partner"):
                start = 0
                while True:
                    part.ask_all(start)
                    step = part.confirm_part()
                    if step != "back":
                        details = step == "details"
                        break
                    start = len(part.items) - 1
                answers = {**answers, **part.answers}
        return Answered(answers, statuses, details)


def pick(offered: Sequence[tuple[str, Sequence[Action]]], *, answered: int = 0,
         show_details: Callable[[], None] | None = None) -> list[str]:
    """Up to two actions (by id) to commit to; one key per pick, Enter when done, d shows the
    results in full (with `show_details`), q asks before quitting (`answered` would be lost).

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

    def show_choices() -> None:
        c.print()
        c.print(Text(f"Pick up to {MAX_PER_CHECK_IN} of these to try before your next "
                     "check-in", style="bold"))
        for title, actions in offered:
            shown = [a for a in actions if a.id in key_of]
            if not shown:
                continue
            c.print(Text(one_line(title), style="bold"))
            for action in shown:
                show(c, hanging(f"  {key_of[action.id]}  ", Text(one_line(action.text))))
        parts: list[tuple[str, str] | str] = [
            "Press a number to pick it (again to drop it), ", ("Enter", "bold"),
            " when done (right away for none), "]
        if show_details is not None:
            parts += [("d", "bold"), " to see your results in full, "]
        parts += ["or ", ("q", "bold"), " to quit without saving."]
        c.print(Text.assemble(*parts))

    # Single keys from before the first prompt line: keys pressed once it shows are never lost.
    with single_keys(sys.stdin) as fd:
        show_choices()
        while True:
            key = read_key(fd)
            if key in ENTER:
                break
            if key == "q":
                ask_before_quitting(c, fd, answered)
                continue
            if key == DETAILS_KEY and show_details is not None:
                show_details()
                show_choices()
                continue
            pressed = keys_for.get(key)
            if pressed is None:
                c.print(Text(f"  Please press 1 to {last}, Enter when done, "
                             f"{'d, ' if show_details else ''}or q.", style="yellow"))
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


def ask_role(default: str | None) -> str:
    """Whose view this check-in is, one key: m (or 1) mentor, e (or 2) mentee; Enter takes
    `default` (the role of the latest check-in with this partner), q quits."""
    c = Console(file=sys.stderr, highlight=False, emoji=False)
    roles = {"m": "mentor", "1": "mentor", "e": "mentee", "2": "mentee"}
    with single_keys(sys.stdin) as fd:
        parts: list[tuple[str, str] | str] = [
            "Are you the mentor or the mentee here? Press ", ("m", "bold"), " (or 1) for mentor, ",
            ("e", "bold"), " (or 2) for mentee"]
        if default:
            parts += [", ", ("Enter", "bold"), f" for {default} as last time"]
        parts += [", or ", ("q", "bold"), " to quit."]
        c.print(Text.assemble(*parts))
        while True:
            key = read_key(fd)
            if key in roles:
                role = roles[key]
                break
            if key in ENTER and default:
                role = default
                break
            if key == "q":
                raise Quit
            c.print(Text("  Please press m or e" + (", or Enter" if default else "") + ".",
                         style="yellow"))
    c.print(Text(f"  -> {role} (next time, --role {role} skips this question)", style="green"))
    return role
