"""Fixtures shared by every test: a seeded random generator."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20261126)


collect_ignore = ["autograd_suite"]  # autograd-API shim, run by scripts/autograd_suite.py
