"""itukg: a knowledge graph of ITU-D mandates and their links to the UN SDGs."""

__version__ = "0.1.0"
