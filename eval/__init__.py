"""Evaluation suite: gold questions, deterministic metrics, regression runs against a baseline (issue 3)."""
