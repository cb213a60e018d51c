"""Build tooling of the repository (not part of the installed library)."""
