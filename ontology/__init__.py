"""Data package: files only, loaded with importlib.resources."""
