import sys


class Progress:
    """A one-line progress bar on a terminal; silent when output is not a terminal, unless `always`."""

    def __init__(self, stream=None, always=False):
        self.stream = stream or sys.stderr
        self.enabled = always or self.stream.isatty()

    def __call__(self, label, done, total):
        if not self.enabled or not total:
            return
        width = 30
        filled = int(width * done / total)
        self.stream.write(f"\r{label:<20} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
