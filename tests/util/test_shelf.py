"""A shelved table read by the pieces of a text: a lookup of any piece finds what the whole table holds."""

from __future__ import annotations

import random

from pipeline.util.shelf import Shelf, shelve


def _pack(entries: dict[str, int]) -> tuple[str, list[int]]:
    return "\n".join(entries), list(entries.values())


def _unpack(packed: tuple[str, list[int]]):
    return zip(packed[0].split("\n"), packed[1])


def _table() -> dict[str, int]:
    rng = random.Random(3)
    alphabet = "天地人和中国北京上海大学生"
    table = {"": 0}
    for _ in range(3000):
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        table[word] = rng.randint(0, 9)
    return table


def test_every_piece_of_an_admitted_text_is_found_as_in_the_whole_table():
    table = _table()
    shelf = Shelf(shelve(table, _pack), _unpack)
    rng = random.Random(5)
    for _ in range(50):
        text = "".join(rng.choice("天地人和中国北京上海大学生，x") for _ in range(rng.randint(0, 30)))
        held = shelf.admit(text)
        for i in range(len(text)):
            for j in range(i + 1, len(text) + 1):
                assert held.get(text[i:j]) == table.get(text[i:j])


def test_a_text_reads_only_its_pairs_and_whole_reads_the_rest():
    table = _table()
    shelf = Shelf(shelve(table, _pack), _unpack)
    held = shelf.admit("北京")
    assert all(len(k) <= 1 or k.startswith("北京") for k in held)
    assert any(k.startswith("北京") and len(k) > 2 for k in held)
    assert shelf.whole() == table
    assert shelf.admit("中国") == table  # nothing more to read


def test_string_entries_pack_and_unpack_whole_newlines_in_values_included():
    from pipeline.util.shelf import pack_strings, unpack_strings

    table = {"北": "bei3 /north/", "北京": "Bei3 jing1 /Beijing/\nbei3 jing1 /old form/", "北京市": "x\x01y"}
    shelf = Shelf(shelve(table, pack_strings), unpack_strings)
    assert shelf.admit("北京市") == table
    assert list(unpack_strings(pack_strings({}))) == []  # an empty group is no entry
