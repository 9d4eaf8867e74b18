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


def tagged_text(data: bytes, kind: str) -> list[str]:
    """The text a reader gets from each structure element of type ``kind``
    (its marked content, through the pages' ``BDC``/``EMC`` operators and
    the structure tree's MCIDs), in the tree's order."""
    reader = PdfReader(io.BytesIO(data))
    # (page number, MCID) → text drawn in that marked content
    texts: dict[tuple[int, int], list[str]] = {}
    for number, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator == b"BDC":
                properties = operands[1] if len(operands) > 1 else {}
                mcid = properties.get("/MCID") if hasattr(properties, "get") else None
                stack.append(mcid)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, cm, tm, font, size, stack=stack, number=number):
            if stack and stack[-1] is not None:
                texts.setdefault((number, stack[-1]), []).append(value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    root = _resolve(reader.trailer["/Root"]["/StructTreeRoot"])
    found: list[str] = []

    def walk(node, page=None):
        node = _resolve(node)
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, page)
            return
        if not isinstance(node, DictionaryObject):
            return
        if "/Pg" in node:
            page = pages[node.raw_get("/Pg").idnum]
        if node.get("/S") == f"/{kind}":
            found.append(" ".join(_content(node, page, texts, pages).split()))
        walk(node.get("/K"), page)

    walk(root.get("/K"))
    return found


def _content(node, page, texts, pages) -> str:
    """The text of a structure element: its marked content (each MCID's
    text, on the element's page or the one its ``/MCR`` names) and its
    kids', separated by spaces."""
    parts = []
    kids = _resolve(node.get("/K"))
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        kid = _resolve(kid)
        if isinstance(kid, int):
            parts.append("".join(texts.get((page, int(kid)), [])))
        elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
            kid_page = pages[kid.raw_get("/Pg").idnum]
            parts.append("".join(texts.get((kid_page, int(kid["/MCID"])), [])))
        elif isinstance(kid, DictionaryObject) and "/S" in kid:
            kid_page = pages[kid.raw_get("/Pg").idnum] if "/Pg" in kid else page
            parts.append(_content(kid, kid_page, texts, pages))
    return " ".join(parts)


def entries(data: bytes, kind: str) -> list[dict[str, str]]:
    """The accessibility entries (``/Alt``, ``/Lang``, ``/ActualText``) of
    each structure element of type ``kind``, in the tree's order."""
    reader = PdfReader(io.BytesIO(data))
    root = _resolve(reader.trailer["/Root"]["/StructTreeRoot"])
    found: list[dict[str, str]] = []

    def walk(node):
        node = _resolve(node)
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, DictionaryObject):
            return
        if node.get("/S") == f"/{kind}":
            found.append(
                {
                    key.lstrip("/"): str(node[key])
                    for key in ("/Alt", "/Lang", "/ActualText")
                    if key in node
                }
            )
        walk(node.get("/K"))

    walk(root.get("/K"))
    return found
