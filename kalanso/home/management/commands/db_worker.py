"""``manage.py db_worker``: django-tasks-db's worker, which first puts back in
the queue the tasks that a worker of the same id left running when it died
(killed, out of memory, the machine restarted).

django-tasks-db leaves such a task RUNNING for ever: nothing picks it up again
(its issue #5, "Unclean exits of the worker leave tasks in limbo", open). The
remedy its maintainer proposes there is this one: worker ids are unique in the
pool, so a worker started with the id of one that died knows that the tasks
still RUNNING under that id are not running any more (``kalanso.taskqueue``
decides what is queued again, and why it is safe).

Give each worker a stable id, unique among the workers sharing the database:
``manage.py db_worker --worker-id kalanso-1`` (e.g. the systemd instance
name), and have it restarted when it dies. A worker with the generated
default id recovers nothing.
"""

from django_tasks_db.management.commands import db_worker

from kalanso.taskqueue import requeue_abandoned


class Command(db_worker.Command):
    help = (
        "Run a database background worker; first queue again the tasks that "
        "a dead worker of the same --worker-id left running."
    )

    def handle(self, *, worker_id: str, backend_name: str, **options):
        self.configure_logging(options["verbosity"])
        for task_id in requeue_abandoned(
            worker_id=worker_id, backend_name=backend_name
        ):
            db_worker.logger.warning(
                "Task id=%s was left running by a dead worker_id=%s: queued again.",
                task_id,
                worker_id,
            )
        super().handle(worker_id=worker_id, backend_name=backend_name, **options)
