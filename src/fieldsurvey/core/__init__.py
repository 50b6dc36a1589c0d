"""Headless core: forms, store, exchange and reports. Never imports Qt."""
