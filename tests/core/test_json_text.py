"""generator/core/json_text.py: the text is json.dumps's, whatever is reused."""

import json

from hypothesis import given
from hypothesis import strategies as st

from generator.core.json_text import Written, indented

KEYS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3), max_leaves=8)
MAPPINGS = st.dictionaries(KEYS, VALUES, max_size=8)


def dumped(mapping) -> str:
    return json.dumps(mapping, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


@given(MAPPINGS)
def test_the_text_is_json_dumps_indented_by_one(mapping):
    assert indented(mapping) == dumped(mapping)


@given(MAPPINGS, MAPPINGS, st.data())
def test_reusing_the_last_text_gives_the_text_of_a_full_encoding(old, changes, data):
    """Some entries kept (the same objects), some replaced (1 for 1.0 too), some added, some removed."""
    text = indented(old)
    kept = data.draw(st.sets(st.sampled_from(sorted(old)))) if old else set()
    for before in (Written(text, old), Written(text, json.loads(text))):  # as written, or as read back
        new = {k: before.mapping[k] for k in kept} | changes
        assert indented(new, before) == dumped(new)


def test_an_unchanged_entry_is_taken_from_the_last_text_not_encoded_again():
    old = {"a": {"x": 1}, "b": {"y": 2}}
    marked = indented(old).replace('"x": 1', '"x": 7')  # what the text says is what is kept
    new = {"a": old["a"], "b": {"y": 3}}
    assert indented(new, Written(marked, old)) == dumped({"a": {"x": 7}, "b": {"y": 3}})


def test_a_value_replaced_by_an_equal_one_of_another_type_is_written_anew():
    old = {"r": {"value": 1}}
    assert indented({"r": {"value": 1.0}}, Written(indented(old), old)) == dumped({"r": {"value": 1.0}})


def test_a_text_of_another_shape_is_not_reused():
    old = {"a": {"x": 1}, "b": 2}
    compact = json.dumps(old) + "\n"
    assert indented(old, Written(compact, old)) == dumped(old)
    assert indented({}, Written(dumped(old), old)) == "{}\n"
