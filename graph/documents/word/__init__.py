"""Read a Word (.docx) planning document into the line text the parser reads.

``read_docx(path)`` returns a :class:`WordDocument`: ``lines`` are the document *as proposed*
(tracked insertions in, deletions out) in exactly the form of the text export that
``parser.parse_text`` reads (decision 0095): one line per paragraph; per table row, each cell's
first line prefixed with a TAB, the cell's further lines as they are, then one empty line;
``[footnoteRef:N]`` at a footnote reference and `` [N: body] `` after the paragraph that references
it; ``[bookmark: name]`` for a visible bookmark; the numbers and bullets Word generates written
before the text with their suffix (``1\\t背景``, ``•\\t...``). Every line has a :class:`WordLine`
with its locator into the Word file (``p12``, ``t3/r2/c1``, ``t3/r2/c1/t1/r0/c0/p0``, ``fn4/p0``),
the paragraph style and heading level. ``lines_before`` is the text before the proposal
(deletions in, insertions out); ``amendments`` lists every tracked insertion and deletion.

The document model is python-docx; what it does not expose (numbering definitions, footnotes,
tracked changes, merged cells) is read from its lxml elements with ``xpath``/``qn``.

Modules: ``reader`` (read_docx), ``model`` (WordDocument, WordLine, Amendment), ``package``
(opening the file, errors), ``numbering`` (generated numbers and bullets), ``render`` (paragraphs,
tables, footnotes, tracked changes), ``xml`` (lxml helpers, limits).
"""

from .model import Amendment, WordDocument, WordLine
from .reader import read_docx
from .xml import MAX_CHARS, MAX_FILE_BYTES, MAX_PARAGRAPHS, MAX_PART_BYTES

__all__ = ["Amendment", "WordDocument", "WordLine", "read_docx", "MAX_CHARS", "MAX_FILE_BYTES",
           "MAX_PARAGRAPHS", "MAX_PART_BYTES"]
