"""Reading an uploaded SCORM zip: every check before anything is stored.

:func:`inspect_package` reads the archive's directory and its manifest without
extracting anything and raises :class:`PackageError` (a translated reason) on
the first problem; :func:`extract_package` then writes the files into a fresh
directory, all or nothing.

Checks, in order:

- the upload is a zip file, at most ``SCORM_MAX_UPLOAD_BYTES``;
- no entry is encrypted, a symbolic link, an absolute path (``/x``, ``C:x``,
  ``\\\\server``), has a ``..`` or empty component, a backslash or a control
  character; no two entries collide once case is folded (Windows, macOS);
- at most ``SCORM_MAX_FILES`` files and ``SCORM_MAX_UNPACKED_BYTES`` once
  unpacked (counted while extracting too: a zip's declared sizes can lie);
- every file's extension is in :data:`ALLOWED_EXTENSIONS`;
- ``imsmanifest.xml`` sits at the root and parses with defusedxml (no DTD, no
  entities, no external references);
- it declares SCORM 1.2 or 2004 and an organisation with at least one item
  that launches a file present in the package.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

MANIFEST = "imsmanifest.xml"

# What a SCORM package may contain: web pages and their assets, media, fonts,
# the schema files packages carry. No executables, archives or server scripts.
ALLOWED_EXTENSIONS = frozenset(
    """
    html htm xhtml xml xsd dtd js mjs css json txt md csv vtt srt
    jpg jpeg png gif svg webp avif ico bmp
    mp3 m4a aac oga ogg wav opus mp4 m4v webm ogv
    woff woff2 ttf otf eot pdf
    """.split()
)

VERSION_12 = "1.2"
VERSION_2004 = "2004"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


class PackageError(Exception):
    """A package refused, with the reason in the user's language."""


@dataclass
class Item:
    identifier: str
    title: str
    sco: str | None = None  # the launchable resource's identifier, if any
    href: str = ""  # the file launched, relative to the package root
    parameters: str = ""
    children: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "id": self.identifier,
            "title": self.title,
            "href": self.href,
            "parameters": self.parameters,
            "children": [child.as_dict() for child in self.children],
        }


@dataclass
class Manifest:
    identifier: str
    version: str  # VERSION_12 or VERSION_2004
    title: str
    items: list[Item]
    flow: bool = True
    choice: bool = True

    def launchable(self) -> list[dict]:
        """The items that launch something, in the order flow navigation visits them."""
        found = []

        def walk(items):
            for item in items:
                if item.href:
                    found.append(
                        {
                            "id": item.identifier,
                            "title": item.title,
                            "href": item.href,
                            "parameters": item.parameters,
                        }
                    )
                walk(item.children)

        walk(self.items)
        return found

    def structure(self) -> dict:
        return {
            "identifier": self.identifier,
            "version": self.version,
            "title": self.title,
            "flow": self.flow,
            "choice": self.choice,
            "items": [item.as_dict() for item in self.items],
            "scos": self.launchable(),
        }


# The archive -------------------------------------------------------------------------


def _check_name(name: str) -> str:
    """The entry's path, normalised; PackageError when it could escape."""
    if not name or _CONTROL.search(name) or "\\" in name:
        raise PackageError(_("The package contains a file with an invalid name."))
    if name.startswith("/") or _DRIVE.match(name):
        raise PackageError(_("The package contains an absolute path: %s") % name[:200])
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise PackageError(
            _("The package contains a path that leaves its folder: %s") % name[:200]
        )
    return "/".join(parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _files(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Check every entry; the regular files by normalised path."""
    files = {}
    folded = set()
    total = 0
    for info in archive.infolist():
        name = _check_name(info.filename)
        if info.flag_bits & 0x1:
            raise PackageError(_("The package contains an encrypted file."))
        if _is_symlink(info):
            raise PackageError(
                _("The package contains a symbolic link: %s") % name[:200]
            )
        key = unicodedata.normalize("NFC", name).casefold()
        if key in folded:
            raise PackageError(
                _("The package contains two files with the same name: %s") % name[:200]
            )
        folded.add(key)
        if info.is_dir():
            continue
        extension = posixpath.splitext(name)[1].lower().lstrip(".")
        if extension not in ALLOWED_EXTENSIONS:
            raise PackageError(
                _("The package contains a file of a type that is not allowed: %s")
                % name[:200]
            )
        files[name] = info
        total += info.file_size
        if len(files) > settings.SCORM_MAX_FILES:
            raise PackageError(
                _("The package contains more than %(count)d files.")
                % {"count": settings.SCORM_MAX_FILES}
            )
        if total > settings.SCORM_MAX_UNPACKED_BYTES:
            raise PackageError(_("The package is too large once unpacked."))
    return files


def open_archive(upload) -> zipfile.ZipFile:
    size = getattr(upload, "size", None)
    if size is not None and size > settings.SCORM_MAX_UPLOAD_BYTES:
        raise PackageError(
            _("The file is too large (at most %(mb)d MB).")
            % {"mb": settings.SCORM_MAX_UPLOAD_BYTES // 1_000_000}
        )
    try:
        upload.seek(0)
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise PackageError(_("The file is not a zip archive.")) from None


# The manifest ---------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name):
    return [child for child in element if _local(child.tag) == name]


def _child(element, name):
    found = _children(element, name)
    return found[0] if found else None


def _text(element, name) -> str:
    child = _child(element, name)
    return " ".join((child.text or "").split()) if child is not None else ""


def _attr(element, name) -> str:
    """An attribute by local name, whatever its namespace (scormtype/scormType)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return ""


def _xml_base(element) -> str:
    return element.attrib.get("{http://www.w3.org/XML/1998/namespace}base", "")


def parse_manifest(data: bytes, files: dict[str, zipfile.ZipInfo]) -> Manifest:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise PackageError(
            _("The manifest declares a DTD or entities, which are refused.")
        ) from None
    except SafeET.ParseError:
        raise PackageError(_("The manifest is not well-formed XML.")) from None
    if _local(root.tag) != "manifest":
        raise PackageError(_("The manifest has no <manifest> element."))

    metadata = _child(root, "metadata")
    schema_version = _text(metadata, "schemaversion") if metadata is not None else ""
    namespaces = " ".join(
        [root.tag, *root.attrib.keys(), *root.attrib.values()]
    ).lower()
    if "2004" in schema_version or "1.3" in schema_version or "v1p3" in namespaces:
        version = VERSION_2004
    elif schema_version in ("1.2", "") and (
        "v1p2" in namespaces or "rootv1p2" in namespaces or schema_version == "1.2"
    ):
        version = VERSION_12
    else:
        raise PackageError(
            _("This is not a SCORM 1.2 or SCORM 2004 package (version “%s”).")
            % schema_version[:50]
        )

    resources = {}
    resources_el = _child(root, "resources")
    base = _xml_base(resources_el) if resources_el is not None else ""
    for resource in (
        _children(resources_el, "resource") if resources_el is not None else []
    ):
        href = _attr(resource, "href")
        if href:
            href = posixpath.join(base, _xml_base(resource), href)
        resources[resource.attrib.get("identifier", "")] = href

    organizations = _child(root, "organizations")
    orgs = _children(organizations, "organization") if organizations is not None else []
    if not orgs:
        raise PackageError(_("The manifest has no organisation (no content to show)."))
    default = organizations.attrib.get("default", "")
    org = next((o for o in orgs if o.attrib.get("identifier") == default), orgs[0])

    flow, choice = True, True
    sequencing = _child(org, "sequencing")
    control = _child(sequencing, "controlMode") if sequencing is not None else None
    if control is not None:
        flow = control.attrib.get("flow", "false") == "true"
        choice = control.attrib.get("choice", "true") == "true"

    def read_items(element) -> list[Item]:
        items = []
        for node in _children(element, "item"):
            if node.attrib.get("isvisible", "true") == "false":
                continue
            item = Item(
                identifier=node.attrib.get("identifier", "")[:200],
                title=(_text(node, "title") or node.attrib.get("identifier", ""))[:300],
                parameters=node.attrib.get("parameters", "")[:1000],
                children=read_items(node),
            )
            ref = node.attrib.get("identifierref")
            if ref:
                href = resources.get(ref)
                if not href:
                    raise PackageError(
                        _("The item “%s” refers to a resource that does not exist.")
                        % item.title
                    )
                path, _sep, query = href.partition("?")
                path = posixpath.normpath(path.split("#")[0])
                if path not in files:
                    raise PackageError(
                        _("The file “%s” named in the manifest is not in the package.")
                        % path[:200]
                    )
                item.sco = ref
                item.href = path
                if query and not item.parameters:
                    item.parameters = "?" + query
            items.append(item)
        return items

    manifest = Manifest(
        identifier=root.attrib.get("identifier", "")[:200],
        version=version,
        title=_text(org, "title")[:300],
        items=read_items(org),
        flow=flow,
        choice=choice,
    )
    if not manifest.launchable():
        raise PackageError(_("The package has nothing to launch."))
    return manifest


def inspect_package(upload) -> Manifest:
    """Every check, without writing anything. Raises PackageError."""
    archive = open_archive(upload)
    with archive:
        files = _files(archive)
        if MANIFEST not in files:
            raise PackageError(
                _("The package has no imsmanifest.xml at its root: is it a SCORM zip?")
            )
        if files[MANIFEST].file_size > 5_000_000:
            raise PackageError(_("The manifest is too large."))
        try:
            data = archive.read(MANIFEST)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
            raise PackageError(_("The zip archive is damaged.")) from None
        return parse_manifest(data, files)


def extract_package(upload, destination: Path) -> int:
    """Write the package's files under ``destination`` (which must not exist).
    Returns the bytes written. On any error nothing is left behind."""
    destination.mkdir(parents=True)
    written = 0
    try:
        with open_archive(upload) as archive:
            files = _files(archive)
            root = destination.resolve()
            for name, info in files.items():
                target = (root / name).resolve()
                if not target.is_relative_to(root):
                    raise PackageError(
                        _("The package contains a path that leaves its folder: %s")
                        % name[:200]
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "xb") as out:
                    while chunk := source.read(1 << 16):
                        written += len(chunk)
                        if written > settings.SCORM_MAX_UNPACKED_BYTES:
                            raise PackageError(
                                _("The package is too large once unpacked.")
                            )
                        out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
        shutil.rmtree(destination, ignore_errors=True)
        raise PackageError(_("The zip archive is damaged.")) from error
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        raise
    return written
