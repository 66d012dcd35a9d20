"""Issue 18: the full-feature round trip on the demo centre, through the real commands and two new databases.

Loads the demo into a new SQLite file, exports it (v2), imports the file into a second new file, exports again and
compares the two files byte for byte; then re-imports the file (nothing changes). Prints the file's size, its
records, and each step's time.

    .venv/bin/python bench/exchange_round_trip.py [--people 160 --activities-per-year 900]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(db: Path, *args) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "TONGXING_HOME": str(db.parent)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tongxing.cli", *args], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode:
        sys.exit(f"tongxing {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started, done


def main(demo_args):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first_db, second_db = tmp / "first.db", tmp / "second.db"
        demo_s, _ = run(first_db, "demo", "--password", "bench-password-1", *demo_args)
        # Migrating the empty database is timed apart from the import.
        migrate_s, _ = run(second_db, "migrate", "-v", "0")
        export1_s, _ = run(first_db, "export", "--unit", "DEMO", "-o", str(tmp / "first.json"))
        import_s, _ = run(second_db, "import", str(tmp / "first.json"))
        export2_s, _ = run(second_db, "export", "--unit", "DEMO", "-o", str(tmp / "second.json"))
        again_s, again = run(second_db, "import", str(tmp / "first.json"))
        first, second = (tmp / "first.json").read_bytes(), (tmp / "second.json").read_bytes()
        doc = json.loads(first)
        records = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
        print(f"demo loaded in {demo_s:.1f} s; file {len(first):,} bytes, {sum(records.values()):,} top-level records "
              f"({', '.join(f'{k} {n}' for k, n in records.items() if n)})")
        print(f"export {export1_s:.1f} s; empty database migrated {migrate_s:.1f} s; import {import_s:.1f} s; "
              f"export again {export2_s:.1f} s; re-import {again_s:.1f} s "
              f"({'nothing changed' if 'nothing changed' in again.stdout else 'CHANGED'}) (each with the command's "
              "start-up)")
        print("round trip: " + ("byte-identical" if first == second else
                                f"DIFFERENT ({len(first):,} vs {len(second):,} bytes)"))
        return 0 if first == second else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
