"""Every registered primitive is exercised by some case of some rule table.

The tables are the module-level lists of `Case` in tests/primitives/test_*.py. Each
case runs once, at second order in forward mode, while a spy notes every primitive the
forward trace processes; a registered primitive that no case reaches fails the test.
"""

import importlib.util
import pathlib

import numpy as np
from cases import Case

import chainrule as cr
from chainrule.core import registry
from chainrule.core.forward import JVPTrace

HERE = pathlib.Path(__file__).parent


def _tables():
    for path in sorted(HERE.glob("test_*.py")):
        if path.name == pathlib.Path(__file__).name:
            continue
        spec = importlib.util.spec_from_file_location(f"_registry_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, list) and value and isinstance(value[0], Case):
                yield f"{path.stem}.{name}", value


def _ones_like(args):
    return tuple(np.ones_like(np.asarray(a)) for a in args)


def test_every_registered_primitive_has_a_case(monkeypatch):
    seen = set()
    original = JVPTrace.process

    def spy(self, primitive, args, params):
        seen.add(primitive.name)
        return original(self, primitive, args, params)

    monkeypatch.setattr(JVPTrace, "process", spy)
    rng = np.random.default_rng(0)
    n_cases = 0
    for _, table in _tables():
        for case in table:
            fn, args = case.example(rng)
            first = lambda *a, fn=fn, args=args: cr.jvp(fn, a, _ones_like(args))[1]
            with np.errstate(all="ignore"):
                cr.jvp(first, args, _ones_like(args))
            n_cases += 1
    assert n_cases > 0
    missing = sorted(set(registry) - seen)
    assert not missing, f"registered primitives with no case in any rule table: {missing}"
