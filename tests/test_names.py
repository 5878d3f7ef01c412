"""Partner names match without regard to case and spacing, and a near miss gets suggestions."""

from conftest import make, save
from hypothesis import given
from hypothesis import strategies as st

from trustcheck import names
from trustcheck.store import Store


def test_a_name_typed_in_another_case_or_spacing_finds_the_stored_spelling():
    known = ["Sam Lee", "Alex"]
    assert names.resolve("sam lee", known) == "Sam Lee"
    assert names.resolve("  SAM   lee ", known) == "Sam Lee"
    assert names.resolve("Alex", known) == "Alex"
    assert names.resolve("Jo", known) is None


def test_the_exact_spelling_wins_when_two_stored_spellings_differ_only_in_case():
    assert names.resolve("sam", ["Sam", "sam"]) == "sam"


def test_an_unknown_name_gets_the_closest_known_ones():
    assert names.closest("Sma", ["Sam", "Alex", "Samira"])[0] == "Sam"
    assert names.closest("Zed", ["Sam", "Alex"]) == []


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_every_name_finds_itself_and_its_spacing_and_case_variants_and_nothing_else(name, other):
    assert names.resolve(name, [name, other]) == name
    assert names.resolve(f"  {name}  ", [name]) == name
    assert names.resolve(name.casefold(), [name]) == name
    if names.key(other) != names.key(name):
        assert names.resolve(other, [name]) is None


def test_the_store_lists_partner_names_most_recently_active_first(tmp_path):
    save(tmp_path, make("a", minutes=0, partner="Sam"), make("b", minutes=5, partner="Alex"),
         make("c", minutes=10, partner=None), make("d", minutes=15, partner="Sam"))
    with Store.open(tmp_path / "history.db") as store:
        assert store.partners() == ["Sam", "Alex"]
