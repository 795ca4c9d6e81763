"""Questionnaire placeholder."""
