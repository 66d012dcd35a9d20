import os
import sys

from django.core.management.base import BaseCommand

from tongxing.privacy.rotation import RotationRefused, rotate


class Command(BaseCommand):
    help = ("keys rotate: re-encrypt identity numbers and attached files, and recompute the numbers' look-up hashes "
            "under a new field key "
            "(all or nothing, audited). The new key is read from the file given, or from TONGXING_NEW_FIELD_KEY; "
            "never from the command line, where other users of the machine could see it.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate"])
        parser.add_argument("--new-key-file", help="a file holding the new key (one line)")

    def handle(self, *args, action, new_key_file=None, **options):
        try:
            if new_key_file:
                with open(new_key_file, encoding="utf-8") as fh:
                    new_key = fh.read().strip()
            else:
                new_key = os.environ.get("TONGXING_NEW_FIELD_KEY", "").strip()
        except OSError as e:
            self.stderr.write(f"{new_key_file}: {e}")
            sys.exit(2)
        if not new_key:
            self.stderr.write("give the new key with --new-key-file FILE or TONGXING_NEW_FIELD_KEY")
            sys.exit(2)
        try:
            done = rotate(new_key)
        except RotationRefused as e:
            self.stderr.write(f"keys rotate refused: {e}")
            sys.exit(2)
        self.stdout.write(f"{done.identity_numbers} identity numbers re-encrypted under the new field key; "
                          f"{done.attachments} attached files re-encrypted"
                          + (f"; audit trail re-keyed ({done.audit_events_rekeyed} events)"
                             if done.audit_events_rekeyed else ""))
        self.stdout.write("Now set TONGXING_FIELD_KEY to the new key for every server and worker and restart them; "
                          "keep the new key with the backups (backups taken before today need the old key).")
