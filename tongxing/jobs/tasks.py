from django_tasks import task


@task()
def run_job(job_id):
    """Runs in `tongxing worker` (started by `tongxing serve`), taken from the database queue."""
    from .services import run

    return run(job_id)
