"""Dialogs: first run, opening problems, adding a village, a new record, export, recovery."""
