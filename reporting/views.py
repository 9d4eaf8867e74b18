"""Views: the programme dashboard, exports, the public summary page and API
tokens. Thin: figures come from ``report``, rules from ``permissions`` and
``suppression``. People's rights have their own app, ``privacy``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wagtail.models import APIToken

from kalanso import spreadsheets
from kalanso.accounts import audit
from trainers.permissions import require

from . import exports, presenters, published, report
from .filters import ExportPeriodForm, FilterForm, Filters
from .models import PublicSummarySettings
from .permissions import can_export_personal_data, can_view_dashboard

PUBLIC_CACHE_SECONDS = 900


def _filters(request) -> tuple[FilterForm, Filters]:
    form = FilterForm(request.GET or None)
    return form, form.filters() if request.GET else Filters()


# Dashboard --------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def dashboard(request):
    require(can_view_dashboard(request.user))
    form, filters = _filters(request)
    published_view = request.GET.get("view") == "published"
    if published_view and filters.is_empty:
        data = published.published_report()  # exactly what is public
    else:
        data = report.build(filters, published=published_view)
    query = request.GET.copy()
    query.pop("view", None)
    summary_settings = PublicSummarySettings.load(request_or_site=request)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "public_summary_on": summary_settings.enabled,
            "public_summary_settings_url": (
                reverse(
                    "wagtailsettings:edit",
                    args=["reporting", "publicsummarysettings"],
                )
                if request.user.has_perm("reporting.change_publicsummarysettings")
                else None
            ),
            "form": form,
            "report": data,
            "sections": presenters.sections(data),
            "missing_polygons": presenters.missing_polygons(data),
            "published": published_view,
            "query": query.urlencode(),
            "can_export_personal": can_export_personal_data(request.user),
            "export_form": _export_period_form(request),
        },
    )


# Exports ----------------------------------------------------------------------


def _attachment(response, name):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export_period_form(request):
    return ExportPeriodForm(
        request.GET if "year" in request.GET else None,
        years=published.data_years(),
        auto_id="export_%s",
    )


@never_cache
@login_required
@require_GET
def export_aggregates(request, fmt):
    """The tables as they are published, for all time or one calendar year:
    the periods protected together with the public page and the API
    (``published``). Any other cut is refused, since two files cut
    differently could be subtracted ("all time" minus "from September" is
    August, which the August file hides)."""
    require(can_view_dashboard(request.user))
    form = _export_period_form(request)
    other = sorted(k for k, v in request.GET.items() if k != "year" and v)
    if other or (form.is_bound and not form.is_valid()):
        messages.error(
            request,
            _(
                "Nothing was exported: a file of figures covers all time or one "
                "calendar year, without other filters."
            ),
        )
        return redirect("reporting:dashboard")
    year = form.cleaned_data.get("year") if form.is_bound else None
    data = published.published_report(year)
    audit.record(
        request.user,
        "reporting.export_aggregates",
        None,
        format=fmt,
        **data.filters.as_dict(),
    )
    stamp = timezone.localdate().isoformat()
    period = f"-{year}" if year else ""
    if fmt == "csv":
        response = HttpResponse(
            exports.aggregates_csv(data), content_type=spreadsheets.CSV_CONTENT_TYPE
        )
        return _attachment(response, f"kalanso-report{period}-{stamp}.csv")
    response = HttpResponse(
        exports.aggregates_xlsx(data), content_type=spreadsheets.XLSX_CONTENT_TYPE
    )
    return _attachment(response, f"kalanso-report{period}-{stamp}.xlsx")


@never_cache
@login_required
@require_GET
def export_personal(request, kind, fmt):
    require(can_export_personal_data(request.user))
    if kind not in exports.PERSONAL_TABLES:
        raise Http404
    form, filters = _filters(request)
    if request.GET and not form.is_valid():
        messages.error(request, _("The filters are not valid: nothing was exported."))
        return redirect("reporting:dashboard")
    header, count, rows = exports.PERSONAL_TABLES[kind](filters)
    audit.record(
        request.user,
        "reporting.export_personal_data",
        None,
        kind=kind,
        format=fmt,
        rows=count,
        **filters.as_dict(),
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.personal_csv(header, rows),
            content_type=spreadsheets.CSV_CONTENT_TYPE,
        )
        return _attachment(response, f"kalanso-{kind}-{stamp}.csv")
    response = HttpResponse(
        exports.personal_xlsx(kind, header, rows),
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
    )
    return _attachment(response, f"kalanso-{kind}-{stamp}.xlsx")


# Public summary -----------------------------------------------------------------


def public_report():
    """The all-time published report (protected together with the yearly
    reports of the API, see ``published``), cached for everyone."""
    return published.published_report()


@require_GET
def public_summary(request):
    settings = PublicSummarySettings.load(request_or_site=request)
    if not settings.enabled:
        raise Http404
    data = public_report()
    response = render(
        request,
        "reporting/public_summary.html",
        {
            "intro": settings.intro,
            "report": data,
            "sections": presenters.sections(data),
            "missing_polygons": presenters.missing_polygons(data),
        },
    )
    # The figures are the same for everyone, but a logged-in visitor's page
    # carries their name and a CSRF token: shared caches keep only the
    # anonymous page.
    patch_vary_headers(response, ["Cookie"])
    if request.user.is_authenticated:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
    return response


# API tokens ---------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What the token is for"),
        max_length=100,
        help_text=gettext_lazy("For example: the donor's reporting tool."),
    )


@never_cache
@login_required
def tokens(request):
    require(can_view_dashboard(request.user))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, plaintext = APIToken.create_token(
            user=request.user, name=form.cleaned_data["name"].strip()
        )
        audit.record(request.user, "reporting.api_token_create", token)
        return render(
            request,
            "reporting/token_created.html",
            {"token": token, "plaintext": plaintext},
        )
    return render(
        request,
        "reporting/tokens.html",
        {
            "form": form,
            "tokens": APIToken.objects.filter(user=request.user).order_by("-created"),
        },
    )


@require_POST
@login_required
def token_revoke(request, pk):
    require(can_view_dashboard(request.user))
    token = get_object_or_404(APIToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
        audit.record(request.user, "reporting.api_token_revoke", token)
        messages.success(request, _("The token is revoked."))
    return redirect("reporting:tokens")
