"""Tagged PDF (ISO 32000-1 §14.7–14.8) on top of reportlab, so that screen
readers read the site's PDFs in order, with their headings, lists, tables,
and figures described.

reportlab (the open-source edition) writes no structure tree. Here, without
writing any PDF ourselves, we:

- mark what is drawn on a page as marked content (``/P <</MCID 3>> BDC …
  EMC``) or as an artifact (frames, rules, page footers, table lines);
- keep the document's structure as a tree of :class:`Element` (Document,
  H1, P, L/LI/LBody, Table/TR/TH/TD, Figure with its alternative text);
- when the canvas is saved, turn that tree into reportlab's own PDF objects:
  the catalog's ``/StructTreeRoot`` (with its ``/ParentTree``), ``/MarkInfo
  <</Marked true>>``, and each page's ``/StructParents``.

Two ways in:

- drawn documents (a canvas, fixed layout): :class:`TaggedCanvas` and its
  ``tag(element)`` / ``artifact()`` context managers around what is drawn;
- flowing documents (platypus): :func:`tag_story` gives every flowable of a
  story its element (Paragraph → P, a bullet → an item of a list, Table → a
  table whose cells are marked as they are drawn, :func:`mark` for headings
  and anything else), and draws the rest (spacers, rules) as artifacts.
"""

from __future__ import annotations

import contextlib

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, Table

PAGE_KEYS = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]


class Element:
    """A structure element: its type (``/S``), its kids (elements, and
    marked content as ``(page index, MCID)``) and accessibility entries."""

    def __init__(self, kind: str, parent: Element | None = None, **entries):
        self.kind, self.parent, self.kids = kind, parent, []
        # Alt (a figure's description), Lang (text in another language)…
        self.entries = {k: v for k, v in entries.items() if v}
        if parent is not None:
            parent.kids.append(self)

    def child(self, kind: str, **entries) -> Element:
        return Element(kind, self, **entries)

    def has_content(self) -> bool:
        return any(
            not isinstance(kid, Element) or kid.has_content() for kid in self.kids
        )


class TaggedCanvas(Canvas):
    """A reportlab canvas that writes a tagged PDF: what is drawn inside
    :meth:`tag` belongs to an element of :attr:`structure`, what is drawn
    inside :meth:`artifact` is decoration that readers skip."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = Element("Document")
        self._mcids: list[list[Element]] = [[]]  # per page: MCID → element
        self._open: list[Element | None] = []

    # Marked content.

    def begin_tag(self, element: Element) -> None:
        page = self._pageNumber - 1
        while len(self._mcids) <= page:
            self._mcids.append([])
        mcid = len(self._mcids[page])
        self._mcids[page].append(element)
        element.kids.append((page, mcid))
        self._open.append(element)
        self.addLiteral(f"/{element.kind} <</MCID {mcid}>> BDC")

    def begin_artifact(self) -> None:
        self._open.append(None)
        self.addLiteral("/Artifact BMC")

    def end(self) -> None:
        self._open.pop()
        self.addLiteral("EMC")

    @contextlib.contextmanager
    def tag(self, element: Element):
        self.begin_tag(element)
        try:
            yield element
        finally:
            self.end()

    @contextlib.contextmanager
    def artifact(self):
        self.begin_artifact()
        try:
            yield
        finally:
            self.end()

    # Pages and the file.

    def showPage(self):
        # A marked-content sequence never spans two pages' content streams.
        still_open = list(self._open)
        for _ in still_open:
            self.addLiteral("EMC")
        self._open = []
        super().showPage()
        page = self._doc.Pages.pages[-1]
        page.__NoDefault__ = PAGE_KEYS
        page.StructParents = len(self._doc.Pages.pages) - 1
        page.Tabs = pdfdoc.PDFName("S")  # tab order follows the structure
        for element in still_open:
            if element is None:
                self.begin_artifact()
            else:
                self.begin_tag(element)

    def _write_structure(self) -> None:
        doc = self._doc
        refs: dict[int, pdfdoc.PDFObjectReference] = {}
        dicts: dict[int, pdfdoc.PDFDictionary] = {}

        def page_ref(index):
            return pdfdoc.PDFObjectReference(f"Page{index + 1}")

        def register(element):
            dictionary = pdfdoc.PDFDictionary({})
            dicts[id(element)] = dictionary
            refs[id(element)] = doc.Reference(dictionary)
            for kid in element.kids:
                if isinstance(kid, Element) and kid.has_content():
                    register(kid)

        root = pdfdoc.PDFDictionary({})
        root_ref = doc.Reference(root)
        register(self.structure)

        def fill(element, parent_ref):
            kids, first_page = [], None
            for kid in element.kids:
                if isinstance(kid, Element):
                    if kid.has_content():
                        fill(kid, refs[id(element)])
                        kids.append(refs[id(kid)])
                    continue
                page, mcid = kid
                if first_page is None:
                    first_page = page
                if page == first_page:
                    kids.append(mcid)
                else:
                    kids.append(
                        pdfdoc.PDFDictionary(
                            {
                                "Type": pdfdoc.PDFName("MCR"),
                                "Pg": page_ref(page),
                                "MCID": mcid,
                            }
                        )
                    )
            entries = {
                "Type": pdfdoc.PDFName("StructElem"),
                "S": pdfdoc.PDFName(element.kind),
                "P": parent_ref,
                "K": pdfdoc.PDFArray(kids),
            }
            if first_page is not None:
                entries["Pg"] = page_ref(first_page)
            for key, value in element.entries.items():
                entries[key] = pdfdoc.PDFString(str(value))
            dicts[id(element)].dict.update(entries)

        fill(self.structure, root_ref)
        numbers = []
        for page, elements in enumerate(self._mcids):
            numbers += [page, pdfdoc.PDFArray([refs[id(e)] for e in elements])]
        root.dict.update(
            {
                "Type": pdfdoc.PDFName("StructTreeRoot"),
                "K": pdfdoc.PDFArray([refs[id(self.structure)]]),
                "ParentTree": pdfdoc.PDFDictionary({"Nums": pdfdoc.PDFArray(numbers)}),
                "ParentTreeNextKey": len(self._mcids),
            }
        )
        doc.Catalog.StructTreeRoot = root_ref
        doc.Catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": "true"})

    def save(self):
        if len(self._code):
            self.showPage()
        self._write_structure()
        super().save()


# Flowing documents (platypus) -----------------------------------------------------


def mark(flowable, kind: str, **entries):
    """Give a flowable of a story its structure type ("H1", "H2"…), instead
    of the one :func:`tag_story` would choose."""
    flowable._kalanso_kind = (kind, entries)
    return flowable


def _draw_tagged(flowable, element: Element | None):
    """Draw ``flowable`` (and the parts it splits into over pages) inside
    ``element``'s marked content, or as an artifact when it is None."""
    if getattr(flowable, "_kalanso_element", False) is not False:
        return
    flowable._kalanso_element = element
    draw_on, split = flowable.drawOn, flowable.split

    def drawOn(canv, x, y, _sW=0):
        if not isinstance(canv, TaggedCanvas):
            return draw_on(canv, x, y, _sW)
        if element is None:
            canv.begin_artifact()
        else:
            canv.begin_tag(element)
        try:
            return draw_on(canv, x, y, _sW)
        finally:
            canv.end()

    def split_(width, height):
        parts = split(width, height)
        for part in parts:
            _draw_tagged(part, element)
        return parts

    flowable.drawOn, flowable.split = drawOn, split_


class _TableTags:
    """Table render callback: a row of the table is a TR, each cell a TD
    (TH in the repeated header rows), its background and lines artifacts."""

    def __init__(self, element: Element, header_rows: int):
        self.element, self.header_rows = element, header_rows
        self.row = None

    def __call__(self, table, event, *args):
        canv = table.canv
        if not isinstance(canv, TaggedCanvas):
            return
        if event in ("startBG", "startLines"):
            canv.begin_artifact()
        elif event in ("endBG", "endLines", "endCell"):
            canv.end()
        elif event == "startRow":
            self.row = self.element.child("TR")
        elif event == "startCell":
            row_number = args[0]
            header = row_number < min(self.header_rows, table._nrows)
            canv.begin_tag(self.row.child("TH" if header else "TD"))


def _tag_table(table: Table, parent: Element, kind="Table", **entries) -> None:
    element = parent.child(kind, **entries)
    table._renderCB = _TableTags(element, getattr(table, "repeatRows", 0) or 0)


def tag_story(story: list, parent: Element) -> list:
    """Give each flowable of ``story`` its place under ``parent`` (in
    reading order) and return the story."""
    items = None  # the list that consecutive bullets go into
    for flowable in story:
        kind, entries = getattr(flowable, "_kalanso_kind", (None, {}))
        bullet = isinstance(flowable, Paragraph) and flowable.bulletText
        if kind is None and bullet:
            if items is None:
                items = parent.child("L")
            _draw_tagged(flowable, items.child("LI").child("LBody"))
            continue
        items = None
        if isinstance(flowable, KeepTogether):
            tag_story(flowable._content, parent)
        elif isinstance(flowable, Table):
            _tag_table(flowable, parent, **entries)
        elif kind is not None:
            _draw_tagged(flowable, parent.child(kind, **entries))
        elif isinstance(flowable, Paragraph):
            _draw_tagged(flowable, parent.child("P"))
        else:  # spacers, rules, page breaks: decoration
            _draw_tagged(flowable, None)
    return story
