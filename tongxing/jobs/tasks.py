from django_tasks import task

from .runner import run


@task()
def run_job(job_id):
    """Runs in `tongxing worker` (started by `tongxing serve`), taken from the database queue."""
    return run(job_id)
