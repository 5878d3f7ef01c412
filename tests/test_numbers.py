"""Signed changes and gaps print the same way in every view: ASCII + and -, one decimal."""

from trustcheck.render.numbers import signed


def test_changes_use_ascii_signs_and_one_decimal():
    assert signed(5) == "+5.0"
    assert signed(-3.25) == "-3.2"
    assert signed(0.0) == "0.0"
    assert signed(None) == "—"


def test_a_change_that_rounds_to_zero_has_no_sign():
    assert signed(-0.04) == "0.0"
    assert signed(0.04) == "0.0"


def test_no_view_uses_the_typographic_minus():
    from pathlib import Path

    import trustcheck.render

    for module in Path(trustcheck.render.__file__).parent.glob("*.py"):
        code = module.read_text(encoding="utf-8")
        if module.name != "numbers.py":
            assert "\u2212" not in code, module.name
