"""The main window's pages: villages, records, exchange, settings."""
