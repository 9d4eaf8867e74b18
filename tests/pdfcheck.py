"""What outside validators check in the PDFs the site produces, read with
pypdf (poppler's ``pdffonts`` and a screen reader see the same objects)."""

import io

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def fonts(data: bytes) -> dict[str, bool]:
    """Every font the document's pages use (their resources and their forms'),
    by base name (subset prefix dropped), and whether its program is embedded
    in the file (a ``FontFile``, ``FontFile2`` or ``FontFile3`` in its
    descriptor, or its descendant's for composite fonts)."""
    found: dict[str, bool] = {}
    seen: set[int] = set()

    def visit(resources):
        resources = _resolve(resources)
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in _resolve(resources.get("/Font", DictionaryObject())).values():
            font = _resolve(font)
            descriptor_owner = font
            if font.get("/Subtype") == "/Type0":
                descriptor_owner = _resolve(_resolve(font["/DescendantFonts"])[0])
            descriptor = _resolve(descriptor_owner.get("/FontDescriptor"))
            embedded = isinstance(descriptor, DictionaryObject) and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            name = name.split("+", 1)[1] if "+" in name[:7] else name
            found[name] = found.get(name, True) and embedded
        for xobject in _resolve(resources.get("/XObject", DictionaryObject())).values():
            xobject = _resolve(xobject)
            if "/Resources" in xobject:
                visit(xobject["/Resources"])

    for page in PdfReader(io.BytesIO(data)).pages:
        visit(page.get("/Resources"))
    return found


def structure(data: bytes) -> dict:
    """The document's tagging: catalog flags and its structure tree as a list
    of (structure type, text of its marked content ids, page number)."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    tree = _resolve(root.get("/StructTreeRoot"))
    elements = []

    def walk(node, depth=0):
        node = _resolve(node)
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, depth)
            return
        if not isinstance(node, DictionaryObject) or "/S" not in node:
            return
        kids = _resolve(node.get("/K"))
        mcids = [
            k
            for k in (kids if isinstance(kids, ArrayObject) else [kids])
            if isinstance(k, int)
        ]
        elements.append((str(node["/S"]).lstrip("/"), depth, mcids))
        if kids is not None:
            walk(kids, depth + 1)

    if tree is not None:
        walk(tree.get("/K"))
    info = reader.metadata or {}
    return {
        "marked": bool(_resolve(root.get("/MarkInfo", {})).get("/Marked")),
        "lang": str(root.get("/Lang", "")),
        "title": str(info.get("/Title", "")),
        "creator": str(info.get("/Creator", "")),
        "display_title": bool(
            _resolve(root.get("/ViewerPreferences", {})).get("/DisplayDocTitle")
        ),
        "elements": elements,
        "parent_tree": tree is not None and "/ParentTree" in tree,
    }
