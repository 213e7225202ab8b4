"""Seeing the work: computational graphs, the sweeps step by step, the cost of each mode."""

from chainrule.explainer.capture import capture
from chainrule.explainer.cost import CostReport, cost
from chainrule.explainer.explanation import Explanation, explain
from chainrule.explainer.graph import Graph
from chainrule.explainer.report import html_report

__all__ = ["CostReport", "Explanation", "Graph", "capture", "cost", "explain", "html_report"]
