"""The desktop app (PySide6). Views call the core through the Workspace; no SQL here."""
