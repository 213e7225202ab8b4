"""Primitives that steer differentiation rather than compute: stop_gradient."""

from __future__ import annotations

from chainrule.primitives.declare import nondifferentiable

# The identity, with no derivative: at every level the value passes through as a constant.
stop_gradient_p = nondifferentiable("stop_gradient", lambda x: x, family="control")
