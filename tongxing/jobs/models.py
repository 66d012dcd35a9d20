from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A long piece of work started from a page and run by the background worker (`tongxing worker`)."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("Import of an exchange file")
        ANNUAL_PDF = "annual_pdf", _("Annual return as PDF")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Not done")

    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("State"), max_length=16, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(_("File"), max_length=255, blank=True)
    # The uploaded file, kept in the database (any app server's worker can read it) only until the job
    # has run: it names clients, so it is emptied when the job finishes either way.
    payload = models.BinaryField(null=True, blank=True, editable=False)
    unit_code = models.CharField(_("Unit"), max_length=32, blank=True)
    step = models.CharField(max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # What the job made (a PDF), kept for the person who started it to download.
    result = models.BinaryField(null=True, blank=True, editable=False)
    # host:pid of the worker running it, so a job whose worker was killed is found and marked not done.
    worker = models.CharField(max_length=128, blank=True)
    # Summary lines when done; the problems, each a line, when not.
    lines = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0
