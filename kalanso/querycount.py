"""Counts the SQL queries and the cache calls of each request into
``X-Query-Count`` and ``X-Cache-Calls`` headers.

Only installed when KALANSO_COUNT_QUERIES is set (the benchmarks do), so it
costs nothing in normal operation.
"""

from django.db import connections

from kalanso.cachecalls import count_cache_calls, install


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        install()

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with (
            connections["default"].execute_wrapper(counter),
            count_cache_calls() as calls,
        ):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        response["X-Cache-Calls"] = str(len(calls))
        return response
