"""Counts the SQL queries of each request into an ``X-Query-Count`` header.

Only installed when KALANSO_COUNT_QUERIES is set (the benchmarks do), so it
costs nothing in normal operation.
"""

from django.db import connections


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
