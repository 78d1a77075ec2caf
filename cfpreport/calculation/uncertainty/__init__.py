"""Uncertainty, data quality, hot spots, sensitivity and scenarios of a calculated study
(issue 11); :func:`uncertainty_analysis` gives them all as plain data."""

from cfpreport.calculation.uncertainty.analysis import uncertainty_analysis

__all__ = ["uncertainty_analysis"]
