"""Pytrees: flattening order, round trips, registration and structure errors."""

import collections
import dataclasses

import pytest

from chainrule import tree


def test_round_trip_of_nested_containers():
    value = {"b": [1, (2, None)], "a": 3, "c": {"x": 4}}
    leaves, treedef = tree.tree_flatten(value)
    assert leaves == [3, 1, 2, 4]  # dict keys sorted, None holds no leaf
    assert tree.tree_unflatten(treedef, leaves) == value


def test_namedtuple_and_dataclass():
    Pair = collections.namedtuple("Pair", "left right")

    @tree.register_dataclass
    @dataclasses.dataclass
    class Box:
        inside: object

    value = Box(Pair(1, [2]))
    leaves, treedef = tree.tree_flatten(value)
    assert leaves == [1, 2]
    rebuilt = tree.tree_unflatten(treedef, [10, 20])
    assert rebuilt == Box(Pair(10, [20]))


def test_register_pytree_node_for_a_user_class():
    class Cell:
        def __init__(self, value):
            self.value = value

    tree.register_pytree_node(Cell, lambda c: ((c.value,), None), lambda _, ch: Cell(ch[0]))
    doubled = tree.tree_map(lambda v: v * 2, [Cell(3)])
    assert doubled[0].value == 6


def test_structures_compare_and_mismatches_are_reported():
    assert tree.tree_structure((1, [2])) == tree.tree_structure((5, [6]))
    assert tree.tree_structure((1, [2])) != tree.tree_structure((1, (2,)))
    with pytest.raises(ValueError, match="tree structures differ"):
        tree.tree_map(lambda a, b: a + b, (1, 2), [1, 2])
    with pytest.raises(ValueError, match="too few leaves"):
        tree.tree_unflatten(tree.tree_structure((1, 2)), [1])
    with pytest.raises(ValueError, match="too many leaves"):
        tree.tree_unflatten(tree.tree_structure((1, 2)), [1, 2, 3])
