"""Whatever an answers file or a label holds, `trustcheck assess --answers` ends with exit 0 or
2 and a plain message: never a traceback, never the catch-all "unexpected problem"."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from conftest import builtin, run
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

ITEMS = [item.id for item in builtin("mentor").items]
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Labels as people and programs write them, and as they should never be: lone surrogates,
# control and bidi characters, very long ones.
text_labels = st.one_of(
    st.text(st.characters(codec=None), max_size=30),
    st.text(st.sampled_from(["\ud800", "\udcff", "\x00", "\x1b", "\u202e", "\u061c", "\n",
                             "a", "é", " "]), max_size=12),
    st.text(max_size=5).map(lambda t: t * 60),
)
labels = st.one_of(st.none(), text_labels,
                   st.integers(), st.floats(allow_nan=True), st.booleans())
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10, max_value=10),
    st.integers(min_value=-(10**40), max_value=10**40), st.floats(), labels,
    st.sampled_from(["skip", "4", "²", "n/a", "", "1e999", "0x3"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


@st.composite
def answers_data(draw) -> object:
    """A valid answers mapping, then perhaps broken in a few places."""
    chosen = draw(st.lists(st.sampled_from(ITEMS), unique=True, min_size=0,
                           max_size=len(ITEMS)))
    data: dict = {"role": draw(st.sampled_from(["mentor", "mentee", None, "boss", 3])),
                  "partner": draw(labels), "cohort": draw(labels),
                  "answers": {item: draw(st.one_of(st.integers(1, 5), scalars))
                              for item in chosen}}
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.one_of(st.sampled_from(["answers", "commitments", "version", "checklist",
                                              "partner"]), st.text(max_size=10)))
        data[key] = draw(values)
    return draw(st.one_of(st.just(data), values))


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def assert_plain_ending(result) -> None:
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    # The catch-all sentence, not the word: a YAML parser's own description of a broken file
    # may say "unexpected end of stream", which is a plain, located answer.
    assert "unexpected problem" not in result.stderr, result.stderr
    if result.exit_code == 2:
        assert result.stderr.strip(), "a refusal must say why"


def assess(tmp_path: Path, name: str, content: str | bytes, *options: str):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    return run("assess", "--role", "mentor", "--answers", str(path), *options)


@SETTINGS
@given(data=answers_data())
def test_any_json_answers_file_ends_in_0_or_2(tmp_path, data):
    text = json.dumps(data)  # lone surrogates are written as \ud800 escapes, as JSON allows
    assert_plain_ending(assess(tmp_path, "answers.json", text))


@SETTINGS
@given(data=answers_data())
def test_any_yaml_answers_file_ends_in_0_or_2(tmp_path, data):
    text = yaml.safe_dump(data, allow_unicode=False)  # surrogates written as "\ud800" escapes
    assert_plain_ending(assess(tmp_path, "answers.yaml", text))


@SETTINGS
@given(data=answers_data(), cut=st.integers(0, 400), insert=st.text(max_size=6),
       as_json=st.booleans())
def test_a_mutated_answers_file_ends_in_0_or_2(tmp_path, data, cut, insert, as_json):
    text = json.dumps(data, indent=1) if as_json else yaml.safe_dump(data)
    cut = min(cut, len(text))
    mutated = text[:cut] + insert + text[cut + len(insert) // 2:]
    assert_plain_ending(assess(tmp_path, "answers.json" if as_json else "answers.yaml",
                               mutated))


@SETTINGS
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300)))
@example(content=deep(100_000))
@example(content="a: " + "[" * 50_000)
@example(content='{"answers": {"transparency.1": ' + "9" * 50_000 + "}}")
@example(content="answers:\n  transparency.1: " + "9" * 50_000 + "\n")
@example(content='{"partner": "\\ud800", "answers": {"a": 1, "a": 2}}')
@example(content=b"\xff\xfe\x00a")
def test_garbage_ends_in_0_or_2(tmp_path, content):
    assert_plain_ending(assess(tmp_path, "answers.yaml", content))


@SETTINGS
@given(partner=text_labels, cohort=text_labels)
def test_any_label_on_the_command_line_ends_in_0_or_2(tmp_path, partner, cohort):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"role": "mentor", "answers": dict.fromkeys(ITEMS, 4)}),
                       encoding="utf-8")

    result = run("assess", "--answers", str(answers), "--partner", partner, "--cohort", cohort,
                 "--format", "json")

    assert_plain_ending(result)
    history = run("history", "--partner", partner, "--format", "json")
    assert_plain_ending(history)
