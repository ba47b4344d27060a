"""An independent check of our Word files: ``openxml-audit``, a pure-Python port of the
Open XML SDK's validator (the schema Word's own reader follows, ECMA-376 transitional plus
Office's package rules), run on a file or on a few body elements placed in the template.

It validates against Office 2010 (ECMA-376 2nd edition), the oldest Word that knows every
element and attribute we write: Office 2007 (1st edition) predates, for instance, the
``firstRow`` … ``noVBand`` attributes of ``w:tblLook``, which Word writes beside the 2007
``w:val`` bit mask exactly as we do.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

from sopengine.export.docx import default_template
from sopengine.export.ooxml import W_NS

FORMAT = FileFormat.OFFICE_2010


@cache
def _validator() -> OpenXmlValidator:
    return OpenXmlValidator(file_format=FORMAT, max_errors=0)


def findings(docx_bytes: bytes) -> list[str]:
    """Every finding (error or warning) as ``part:path: description``; empty when valid."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.docx"
        path.write_bytes(docx_bytes)
        result = _validator().validate(path)
    return [f"{e.part_uri}:{e.path}: {e.description}" for e in result.errors]


def with_body(*elements: etree._Element) -> bytes:
    """The reference template with ``elements`` as its body (before the section properties)."""
    source = default_template().read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                document = etree.fromstring(data)
                body = document.find(f"{{{W_NS}}}body")
                assert body is not None
                sect_pr = body[-1]
                assert sect_pr.tag == f"{{{W_NS}}}sectPr"
                for child in list(body)[:-1]:
                    body.remove(child)
                for element in elements:
                    sect_pr.addprevious(element)
                data = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
            new.writestr(item, data)
    return out.getvalue()
