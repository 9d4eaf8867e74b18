"""A read-only JSON API of the programme's aggregates, for donors' reporting
tools. Every figure is suppressed (see ``suppression``); the only filter is a
whole calendar year, and the all-time figures and every year's are protected
together (see ``published``): no hidden figure can be worked out by
subtracting one published period from another.

Authentication: ``Authorization: Bearer <token>``, a Wagtail ``APIToken``
(stored as a keyed digest, shown once at creation) created by a programme
manager on the "API tokens" page. The token acts as its owner: when the owner
stops being a programme manager, the token stops working. Requests per token
are limited (``kalanso.ratelimit.API``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from wagtail.models import APIToken

from kalanso import ratelimit

from . import published, report, suppression
from .filters import YearForm
from .permissions import can_use_api

TOUCH_INTERVAL = 60
TABLES = list(report.TABLE_ORDER)


def negotiated_language(request) -> str:
    """The language of the API's messages: from ``Accept-Language`` only (no
    cookie, no path prefix: API clients are not browsers), French when the
    header names no language the site has."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _error(status, code, message, *, fields=None, **headers):
    """Every error of the API has one shape (``Error`` in the OpenAPI
    description): ``{"error": {"status", "code", "message", "fields"?}}``,
    the message in the language the request negotiated."""
    error = {"status": status, "code": code, "message": str(message)}
    if fields is not None:
        error["fields"] = fields
    response = JsonResponse({"error": error}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    # Final: LocaleMiddleware must not turn a 404 into a redirection to /fr/….
    response.no_language_redirect = True
    response["Content-Language"] = translation.get_language()
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _unauthorised(message):
    return _error(
        401, "unauthorised", message, WWW_Authenticate='Bearer realm="kalanso"'
    )


def localized(view):
    """Run the view in the language ``Accept-Language`` negotiated."""

    def wrapped(request, *args, **kwargs):
        with translation.override(negotiated_language(request)):
            return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@localized
def not_found(request, *args, **kwargs):
    """Any path under /api/v1/ that is not in the description."""
    return _error(404, "not_found", _("There is nothing at this address of the API."))


def _method_not_allowed():
    return _error(
        405,
        "method_not_allowed",
        _("This address of the API only answers GET requests."),
        Allow="GET, HEAD",
    )


def authenticate(request):
    """The APIToken of a valid ``Authorization: Bearer`` header, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    if not APIToken.validate_token_format(token):
        return None
    api_token = (
        APIToken.objects.select_related("user")
        .filter(
            key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True
        )
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        return None
    now = timezone.now()
    if (
        api_token.last_used_at is None
        or (now - api_token.last_used_at).total_seconds() >= TOUCH_INTERVAL
    ):
        APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token


def api_view(view):
    """Bearer authentication, manager check, rate limit, no caching."""

    @localized
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return _method_not_allowed()
        api_token = authenticate(request)
        if api_token is None:
            return _unauthorised(
                _("A valid API token is required (Authorization: Bearer …).")
            )
        if not can_use_api(api_token.user):
            return _error(
                403,
                "forbidden",
                _("This token's owner may not read the programme's figures."),
            )
        if ratelimit.API.hit(request, token=api_token):
            return _error(
                429,
                "rate_limited",
                _("Too many requests: try again in a minute."),
                Retry_After="60",
            )
        request.user = api_token.user
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _report(request):
    """The all-time report or one year's, from the one system of published
    figures (``published``: every period protected together, so that
    subtracting one published period from another gives nothing away)."""
    form = YearForm(request.GET)
    if request.GET and not form.is_valid():
        return None, form
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return published.published_report(year or None), form


def table_json(data: report.Report, table: report.Table) -> dict:
    return {
        "slug": table.slug,
        "title": str(table.title),
        "note": str(table.note),
        "columns": [{"key": c.key, "label": str(c.label)} for c in table.columns],
        "rows": [
            {
                "key": row["key"],
                "label": row["label"],
                "total": row["is_total"],
                "values": {
                    c.key: value
                    for c, value in zip(table.columns, row["values"], strict=True)
                },
            }
            for row in data.table_rows(table)
        ],
    }


def _meta(data: report.Report) -> dict:
    return {
        "generated_at": data.generated_at.isoformat(),
        "filters": data.filters.as_dict(),
        "suppression": {
            "threshold": suppression.THRESHOLD,
            "markers": {
                suppression.SMALL: "from 1 to 4 people",
                suppression.HIDDEN: "hidden so that a small figure cannot be "
                "worked out from the totals",
            },
        },
    }


def _invalid(form):
    return _error(
        400,
        "invalid_parameters",
        _("Some parameters are not valid."),
        fields={
            name: [str(message) for message in messages]
            for name, messages in form.errors.items()
        },
    )


@api_view
def full_report(request):
    """Every table of the programme report."""
    data, form = _report(request)
    if data is None:
        return _invalid(form)
    return JsonResponse(
        {**_meta(data), "tables": [table_json(data, t) for t in data.tables.values()]}
    )


@api_view
def one_table(request, slug):
    data, form = _report(request)
    if data is None:
        return _invalid(form)
    table = data.tables.get(slug)
    if table is None:
        return not_found(request)
    return JsonResponse({**_meta(data), "table": table_json(data, table)})


DESCRIPTIONS = {
    "summary": "Headline figures: people trained, women's participation, mean "
    "knowledge gain, certified trainers.",
    "regions": "People trained by region (ISO 3166-2:ML codes; 'none' = not recorded).",
    "organisation_types": "People trained by organisation type.",
    "sex": "People trained by sex, with each group's share.",
    "generations": "Cascade sessions by generation: participants, women, "
    "knowledge gain per generation.",
    "timeline": "People trained per month, quarter or year.",
    "knowledge_gain": "Knowledge gain (post-test minus pre-test): means, share "
    "who improved, distribution.",
    "certification": "The trainer pool by level and status.",
    "sessions": "Cascade sessions by status.",
    "courses": "Online enrolments and completion rate per course.",
}


def openapi_document(base: str = "/api/v1") -> dict:
    value = {
        "anyOf": [
            {"type": "integer", "minimum": 0},
            {"type": "number"},
            {"type": "string", "enum": [suppression.SMALL, suppression.HIDDEN]},
            {"type": "null"},
        ],
        "description": "A count, a percentage or a mean; '<5' for 1 to 4 "
        "people; 'x' when hidden to protect another figure; null when there "
        "is nothing to compute.",
    }
    year = {
        "name": "year",
        "in": "query",
        "required": False,
        "description": "Restrict the figures to one calendar year. The "
        "all-time figures and every year's are suppressed together: a hidden "
        "figure cannot be worked out by subtracting the other years from the "
        "all-time figure, so a year may hide more cells than it would alone.",
        "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
    }
    errors = {
        status: {"$ref": "#/components/responses/Error"}
        for status in ("400", "401", "403", "404", "405", "429")
    }
    paths = {
        f"{base}/report": {
            "get": {
                "operationId": "getReport",
                "summary": "Every table of the programme report",
                "parameters": [year],
                "responses": {
                    "200": {
                        "description": "The report",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Report"}
                            }
                        },
                    },
                    **errors,
                },
            }
        }
    }
    for slug in TABLES:
        paths[f"{base}/tables/{slug}"] = {
            "get": {
                "operationId": f"getTable_{slug}",
                "summary": DESCRIPTIONS[slug],
                "parameters": [year],
                "responses": {
                    "200": {
                        "description": "One table",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/TableResponse"}
                            }
                        },
                    },
                    **errors,
                },
            }
        }
    paths[f"{base}/openapi.json"] = {
        "get": {
            "operationId": "getOpenAPI",
            "summary": "This description",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 description of the API",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    }
    meta_properties = {
        "generated_at": {"type": "string", "format": "date-time"},
        "filters": {"type": "object"},
        "suppression": {
            "type": "object",
            "properties": {
                "threshold": {"type": "integer"},
                "markers": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                },
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kalanso programme figures",
            "version": "1.0.0",
            "description": (
                "Read-only aggregates of the Kalanso training programme (online "
                "courses and cascade sessions in Mali). Every count from 1 to 4 "
                "is published as '<5', and further cells are hidden ('x') so that "
                "no hidden count can be worked out from the totals, nor from the "
                "difference between the all-time figures and the yearly ones "
                "(they are protected together). Tokens are "
                "created by programme managers and sent as "
                "'Authorization: Bearer <token>'."
            ),
            "license": {"name": "CC-BY-4.0", "identifier": "CC-BY-4.0"},
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Value": value,
                "Table": {
                    "type": "object",
                    "required": ["slug", "title", "columns", "rows"],
                    "properties": {
                        "slug": {"type": "string", "enum": TABLES},
                        "title": {"type": "string"},
                        "note": {"type": "string"},
                        "columns": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "key": {"type": "string"},
                                    "label": {"type": "string"},
                                },
                            },
                        },
                        "rows": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "key": {"type": "string"},
                                    "label": {"type": "string"},
                                    "total": {"type": "boolean"},
                                    "values": {
                                        "type": "object",
                                        "additionalProperties": {
                                            "$ref": "#/components/schemas/Value"
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
                "Report": {
                    "type": "object",
                    "properties": {
                        **meta_properties,
                        "tables": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Table"},
                        },
                    },
                },
                "TableResponse": {
                    "type": "object",
                    "properties": {
                        **meta_properties,
                        "table": {"$ref": "#/components/schemas/Table"},
                    },
                },
                "Error": {
                    "type": "object",
                    "description": "Every error answer of the API, whatever the "
                    "path (unknown paths under /api/v1/ too). 'message' is for "
                    "people, in the language negotiated by the request's "
                    "Accept-Language header (French or English; French when "
                    "neither is asked for); 'code' is for programs and never "
                    "changes with the language.",
                    "required": ["error"],
                    "additionalProperties": False,
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "code", "message"],
                            "additionalProperties": False,
                            "properties": {
                                "status": {
                                    "type": "integer",
                                    "description": "The HTTP status code.",
                                },
                                "code": {
                                    "type": "string",
                                    "enum": [
                                        "invalid_parameters",
                                        "unauthorised",
                                        "forbidden",
                                        "not_found",
                                        "method_not_allowed",
                                        "rate_limited",
                                    ],
                                },
                                "message": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "description": "With 'invalid_parameters': "
                                    "each invalid query parameter and what is "
                                    "wrong with it.",
                                    "additionalProperties": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                    },
                                },
                            },
                        }
                    },
                },
            },
            "responses": {
                "Error": {
                    "description": "An error",
                    "headers": {
                        "Content-Language": {
                            "description": "The language of the message.",
                            "schema": {"type": "string", "enum": ["fr", "en"]},
                        }
                    },
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}
                        }
                    },
                }
            },
        },
    }


@localized
def openapi(request):
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed()
    response = JsonResponse(openapi_document(), json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response
