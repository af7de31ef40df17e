"""A read-only mapping survives pickling as a read-only mapping of the same items."""

import pickle
from types import MappingProxyType

import pytest

from ldi.storage.pickling import pickle_read_only_mappings


def test_a_mapping_proxy_pickles_as_a_read_only_copy():
    pickle_read_only_mappings()
    inner = {"a": 1.0, "b": MappingProxyType({"c": [1, 2]})}
    again = pickle.loads(pickle.dumps(MappingProxyType(inner)))
    assert type(again) is MappingProxyType
    assert type(again["b"]) is MappingProxyType
    assert dict(again) == {"a": 1.0, "b": again["b"]}
    assert dict(again["b"]) == {"c": [1, 2]}
    with pytest.raises(TypeError):
        again["a"] = 2.0  # type: ignore[index]


def test_a_loaded_problem_travels_whole_without_its_caches():
    import ldi
    from tests.reference import DEFAULT_PROBLEM

    pickle_read_only_mappings()
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    with pytest.warns(ldi.ExtrapolationWarning):  # its flows run past the curves' 50 years
        problem.check()  # builds and caches the model
    again = pickle.loads(pickle.dumps(problem))
    assert "model" not in vars(again)
    assert "revaluation" not in vars(again)
    assert again.name == problem.name
    assert again.data_files == problem.data_files
    assert again.solve().objective_value == pytest.approx(problem.solve().objective_value, 1e-12)
