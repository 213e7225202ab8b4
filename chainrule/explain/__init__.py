"""Seeing the work: computational graphs of traced functions (more of explain to come)."""

from chainrule.explain.capture import capture
from chainrule.explain.graph import Graph

__all__ = ["Graph", "capture"]
