"""The `tongxing` console script: Django's manage.py under the product's name."""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tongxing", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
