"""Safe YAML reading that remembers line numbers, refuses aliases and caps file size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trustcheck.errors import InputError, Problem

MAX_BYTES = 1024 * 1024

_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {
    _STR_TAG,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class Mapping(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int | None]  # None: a key of a JSON file whose line was not found


class Sequence(list):
    """A YAML sequence that knows its own line and the line of each entry (1-based)."""

    line: int = 0
    item_lines: list[int]


def read_text(path: Path, *, what: str) -> str:
    """Read a user's file as UTF-8, refusing huge files before reading them."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{path} is {size // 1024} KiB; {what} files may be at most 1 MiB, "
                "so please check you picked the right file."
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"There is no file at {path}; please check the path.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file; please name the file itself.") from None
    except PermissionError:
        raise InputError(f"trustcheck may not read {path}; please check its permissions.") from None
    return decode(data, source=str(path), what=what)


def decode(data: bytes, *, source: str, what: str) -> str:
    """Turn raw bytes into text, with a plain message for huge or non-UTF-8 input."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{source} is larger than 1 MiB; {what} files may be at most 1 MiB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            f"{source} is not a UTF-8 text file; please save it as UTF-8 text and try again."
        ) from None


def parse(text: str, *, source: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text into plain values (with line numbers) and a list of problems found."""
    import yaml  # here, not at the top: PyYAML costs 13 ms, and JSON input never needs it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or "it is not valid YAML"
        hint = ""
        if "mapping values" in reason or "found character" in reason:
            # The usual cause for non-programmers: a text with ": " or a leading symbol.
            hint = " If a text contains ': ' or starts with a symbol, put it in double quotes."
        raise InputError(
            f"{source} could not be read as YAML; please fix the spot shown.",
            [Problem(f"this is not valid YAML ({reason}).{hint}", source, line)],
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"{source} could not be read as YAML ({exc}); please check the file."
        ) from None
    if node is None:
        return None, []
    builder = _Builder(source, text)
    value = builder.build(node)
    return value, builder.problems


class _Builder:
    """Turns composed YAML nodes into Mapping/Sequence/scalars, noting every problem."""

    def __init__(self, source: str, text: str = "") -> None:
        import yaml

        self.source = source
        self.text = text
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self._constructor = yaml.constructor.SafeConstructor()
        self._yaml = yaml

    def problem(self, message: str, line: int) -> None:
        self.problems.append(Problem(message, self.source, line))

    def build(self, node: Any) -> Any:
        yaml = self._yaml
        line = node.start_mark.line + 1
        if id(node) in self._seen:
            # An alias points back at a node we already built. Checklists never need them, and
            # refusing them outright stops "billion laughs" files before they can grow.
            raise InputError(
                f"{self.source} uses YAML aliases (* and &), which trustcheck does not read; "
                "please write the text out in full.",
                [Problem("an alias (*name) is used here; trustcheck does not read aliases "
                         "(* and &), so please write the text out in full.", self.source,
                         self._alias_line() or line)],
            )
        self._seen.add(id(node))
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in (
                _MAP_TAG, _SEQ_TAG):
            # e.g. !!python/object/apply on a list: never run, but refused, not quietly read.
            self.problem(
                f"the tag {node.tag!r} is not allowed; please use plain text and numbers.", line)
        if isinstance(node, yaml.MappingNode):
            mapping = Mapping()
            mapping.line = line
            mapping.key_lines = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem("a key here is not plain text.", key_line)
                    continue
                key = self._scalar(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self.problem("a key here is empty.", key_line)
                    continue
                if key in mapping:
                    self.problem(f"'{key}' appears twice in the same place.", key_line)
                    continue
                mapping[key] = self.build(value_node)
                mapping.key_lines[key] = key_line
            return mapping
        if isinstance(node, yaml.SequenceNode):
            sequence = Sequence()
            sequence.line = line
            sequence.item_lines = []
            for child in node.value:
                sequence.append(self.build(child))
                sequence.item_lines.append(child.start_mark.line + 1)
            return sequence
        return self._scalar(node)

    def _alias_line(self) -> int | None:
        """Where the first *alias is written (the node itself only knows where its &anchor is)."""
        yaml = self._yaml
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            for token in yaml.scan(self.text, Loader=loader):
                if isinstance(token, yaml.AliasToken):
                    line: int = token.start_mark.line
                    return line + 1
        except yaml.YAMLError:
            pass
        return None

    def _scalar(self, node: Any) -> Any:
        if node.tag == _STR_TAG or node.tag == _TIMESTAMP_TAG:
            return node.value  # what the constructor would give for text, without its dispatch
        if node.tag not in _PLAIN_TAGS:
            self.problem(
                f"the tag {node.tag!r} is not allowed; please use plain text and numbers.",
                node.start_mark.line + 1,
            )
            return node.value
        try:
            return self._constructor.construct_object(node)
        except ValueError:  # e.g. a number with thousands of digits: too long for int()
            self.problem("this number is too long to read; please use a short whole number.",
                         node.start_mark.line + 1)
            return node.value


def line_of(container: Any, key: Any, default: int | None = None) -> int | None:
    """The line of a key in a Mapping or an index in a Sequence, if known."""
    if isinstance(container, Mapping):
        return container.key_lines.get(key, container.line or default)
    if isinstance(container, Sequence) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", default) or default
