"""The SCORM block of a lesson: table of contents, flow navigation and the
framed player. Rendered per reader (``courses.blocks.PERSONAL_BLOCKS``)."""

from django import template
from django.conf import settings

from ..services import latest_attempts, launch
from ..tokens import session_token

register = template.Library()


@register.inclusion_tag("scorm/block.html", takes_context=True)
def scorm_player(context, block, lesson):
    request = context["request"]
    package = block.value
    result = {"block": block, "package": package, "lesson": lesson}
    origin = settings.SCORM_CONTENT_ORIGIN
    if package is None:
        return {**result, "state": "missing"}
    if not origin:
        return {**result, "state": "off"}
    user = request.user
    if not user.is_authenticated:
        return {**result, "state": "login", "login_next": request.get_full_path()}
    scos = package.scos
    if not scos:
        return {**result, "state": "missing"}
    attempts = latest_attempts(user, package)
    ids = [sco["id"] for sco in scos]
    selected = request.GET.get("sco")
    if selected not in ids:
        # Resume where the learner stopped: the last SCO touched, if not done;
        # otherwise the first SCO not done.
        recent = max(attempts.values(), key=lambda a: a.updated_at, default=None)
        if recent is not None and not recent.satisfied and recent.sco_id in ids:
            selected = recent.sco_id
        else:
            selected = next(
                (i for i in ids if not (i in attempts and attempts[i].satisfied)),
                ids[0],
            )
    index = ids.index(selected)
    session = launch(user=user, package=package, sco_id=selected, lesson=lesson)
    site_origin = f"{request.scheme}://{request.get_host()}"
    token = session_token(session.pk, origin=site_origin)
    request.scorm_frame_origin = origin
    structure = package.structure
    toc = [
        {
            **sco,
            "current": sco["id"] == selected,
            "done": sco["id"] in attempts and attempts[sco["id"]].satisfied,
            "started": sco["id"] in attempts,
        }
        for sco in scos
    ]
    flow = structure.get("flow", True)
    return {
        **result,
        "state": "ready",
        "src": f"{origin}/scorm/s/{token}/",
        "origin": origin,
        "toc": toc,
        "choice": structure.get("choice", True),
        "previous": toc[index - 1] if flow and index > 0 else None,
        "next": toc[index + 1] if flow and index + 1 < len(toc) else None,
        "current": toc[index],
        "multi": len(toc) > 1,
    }
