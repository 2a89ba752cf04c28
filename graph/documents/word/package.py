"""Opening a .docx: every failure is a DocumentError naming the file."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from itukg.errors import DocumentError

from .xml import MAX_FILE_BYTES, MAX_PART_BYTES, OLE_SIGNATURE


# ------------------------------------------------------------------------------------------
# Opening the file: every failure is a DocumentError naming it


def _open(path: Path, name: str):
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise DocumentError(f"cannot read file: {e.strerror or e}", source=name) from e
    if size > MAX_FILE_BYTES:
        raise DocumentError(f"file too large for a planning document ({size:,} bytes; "
                            f"limit {MAX_FILE_BYTES:,})", source=name)
    if head == OLE_SIGNATURE:
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentError("password-protected (encrypted) Word document: open it in Word, "
                                "remove the password and save it again as .docx", source=name)
        if "WordDocument".encode("utf-16-le") in data:
            raise DocumentError("old binary Word document (.doc): open it in Word and save it "
                                "as .docx (Word Document)", source=name)
        raise DocumentError("an OLE compound file (old Office format), not a Word .docx "
                            "document: save it as .docx", source=name)
    if head.startswith(b"{\\rtf"):
        raise DocumentError("an RTF file, not a Word .docx document: save it as .docx",
                            source=name)
    if not zipfile.is_zipfile(path):
        raise DocumentError("not a Word document (.docx is a zip package; this file is not "
                            "one)", source=name)
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                what = ("a spreadsheet" if "xl/workbook.xml" in names else "a presentation"
                        if "ppt/presentation.xml" in names else "a zip")
                raise DocumentError(f"{what} that is not a Word document (no word/document.xml)",
                                    source=name)
            if z.getinfo("word/document.xml").file_size > MAX_PART_BYTES:
                raise DocumentError("document too large (word/document.xml over "
                                    f"{MAX_PART_BYTES:,} bytes)", source=name)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise DocumentError(f"corrupt Word document ({e})", source=name) from e
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, etree.XMLSyntaxError, zipfile.BadZipFile,
            zlib.error, NotImplementedError,
            OSError, EOFError) as e:
        raise DocumentError(f"corrupt Word document ({type(e).__name__}: {e})",
                            source=name) from e
