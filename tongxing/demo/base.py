"""The generator's state and small helpers: the seeded random source, dates and times as
exchange strings, working days, office hours, Chinese names with their romanisation.
"""

from __future__ import annotations

import datetime as _dt
import random
from bisect import bisect

from .vocabulary import CLOSE_MIN, FEMALE_CHARS, FEMALE_NAMES, MALE_CHARS, MALE_NAMES, SURNAME_T


class GeneratorBase:
    def __init__(self, unit_code, unit_name, people, activities_per_year, years, seed, until=None):
        self.rng = random.Random(seed)
        self.unit_code, self.unit_name = unit_code, unit_name
        self.n_people = max(int(people), 10)
        self.apy = max(int(activities_per_year), 0)
        if isinstance(years, int):
            years = (years,)
        self.years = sorted({int(y) for y in years}) or [2024]
        # Records of work cannot lie after `until` (today, for the demo): a year still running ends there.
        self.until = until.toordinal() if until is not None else None
        if self.until is not None:
            self.years = [fy for fy in self.years if _dt.date(fy, 4, 1).toordinal() <= self.until] or [
                min(self.years)]
        self.fy_range = {fy: (_dt.date(fy, 4, 1).toordinal(),
                              min(_dt.date(fy + 1, 3, 31).toordinal(), self.until or _dt.date.max.toordinal()))
                         for fy in self.years}
        self.w0 = self.fy_range[self.years[0]][0]
        self.w1 = self.fy_range[self.years[-1]][1]
        self._ds = {}
        self.activities = []

    def pick(self, table):
        values, cum = table
        return values[bisect(cum, self.rng.random() * cum[-1])]

    def ds(self, o):
        s = self._ds.get(o)
        if s is None:
            s = self._ds[o] = _dt.date.fromordinal(o).isoformat()
        return s

    def ts(self, o, m):
        if m >= 1440:
            o += m // 1440
            m %= 1440
        return f"{self.ds(o)}T{m // 60:02d}:{m % 60:02d}"

    def workday(self, lo, hi):
        """A random day in [lo, hi], moved off Sunday when possible."""
        o = self.rng.randint(lo, hi)
        if (o - 1) % 7 == 6:
            if o - 1 >= lo:
                o -= 1
            elif o + 1 <= hi:
                o += 1
        return o

    def office_start(self, o):
        wd = (o - 1) % 7
        close = CLOSE_MIN[wd] or 1080
        last = min(close - 90, 1020)
        return self.rng.randrange(570, max(last, 600), 15)

    def name(self, sex):
        rng = self.rng
        surname, sr = self.pick(SURNAME_T)
        if sex not in ("M", "F"):
            sex = rng.choice("MF")
        if rng.random() < 0.9:
            given, gr = rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
            return surname + given, f"{sr} {gr}"
        chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
        if rng.random() < 0.05:
            c = rng.choice(chars)
            return surname + c[0], f"{sr} {c[1]}"
        a, b = rng.sample(chars, 2)
        if a[0] == b[0]:
            return surname + a[0], f"{sr} {a[1]}"
        return surname + a[0] + b[0], f"{sr} {a[1]} {b[1]}"

    def phone(self):
        return self.rng.choice("5696") + f"{self.rng.randrange(10 ** 7):07d}"

    def minus_years(self, o, years, extra_days=0):
        d = _dt.date.fromordinal(o)
        try:
            d = d.replace(year=d.year - years)
        except ValueError:  # 29 February
            d = d.replace(year=d.year - years, day=28)
        return d.toordinal() - extra_days
