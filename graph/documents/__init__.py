"""The reader of ITU-D planning documents (action plans, operational plans, WTDC proposals).

Input: a document file (today a Word export to text); output: a
:class:`~itukg.graph.records.ParsedDocument`. The reader is split by stage (docs/parser.md):
:mod:`.reader` (entry point and the file kinds), :mod:`.lines`, :mod:`.language`,
:mod:`.footnotes`, :mod:`.results`, :mod:`.outputs`, :mod:`.references`, :mod:`.citations`,
:mod:`.conferences`. Nothing about one document or one language is in code: the language
surface is data in ``graph/documents/lang/{code}.yaml``.
"""

from itukg.graph.documents.conferences import Conference, find_conferences, load_conferences
from itukg.graph.documents.language import LanguageTable, available_languages, load_language
from itukg.graph.documents.lines import fold
from itukg.graph.documents.reader import SOURCE_READERS, parse_file, parse_text, slug_for

__all__ = [
    "SOURCE_READERS",
    "Conference",
    "LanguageTable",
    "available_languages",
    "find_conferences",
    "fold",
    "load_conferences",
    "load_language",
    "parse_file",
    "parse_text",
    "slug_for",
]
