"""Helpers for the notebooks: formatting, escaped sentences and tables, citations, charts in the house style."""
