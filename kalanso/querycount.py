"""Counts the SQL queries and the cache calls of each request into
``X-Query-Count`` and ``X-Cache-Calls`` headers, and the CPU time the request
took in the worker into ``X-CPU-Microseconds`` (the worker's thread time:
gunicorn's sync workers serve one request at a time).

Only installed when KALANSO_COUNT_QUERIES is set (the benchmarks do), so it
costs nothing in normal operation.
"""

import time

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

        started = time.thread_time_ns()
        with (
            connections["default"].execute_wrapper(counter),
            count_cache_calls() as calls,
        ):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        response["X-Cache-Calls"] = str(len(calls))
        response["X-CPU-Microseconds"] = str((time.thread_time_ns() - started) // 1000)
        return response
