import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from tongxing.accounts.models import Access, Level
from tongxing.exchange.generate import generate
from tongxing.exchange.schema import parse
from tongxing.exchange.services import import_document
from tongxing.lib.db import ensure_migrated
from tongxing.organisations.models import Role, Staff, StaffRole, Unit
from tongxing.reports.views import current_fy

DEMO_UNIT = "DEMO"


class Command(BaseCommand):
    help = "Load a realistic demo centre (two financial years of records) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=160)
        parser.add_argument("--activities-per-year", type=int, default=900)
        parser.add_argument("--password", help="password for the demo accounts (default: a new random one)")

    def handle(self, *args, people, activities_per_year, password, **options):
        ensure_migrated()
        fy = current_fy()
        if not Unit.objects.filter(code=DEMO_UNIT).exists():
            doc = generate(unit_code=DEMO_UNIT, people=people, activities_per_year=activities_per_year,
                           years=(fy - 1, fy), seed=2024)
            document, problems = parse(doc)
            if problems:
                raise RuntimeError("demo data is not valid exchange data: " + "; ".join(problems[:5]))
            import_document(document)
        password = password or secrets.token_urlsafe(9)
        accounts = self.accounts(password)
        self.stdout.write(self.style.SUCCESS("Demo centre ready: 同行社區戒毒輔導中心 (DEMO)"))
        self.stdout.write("Open http://127.0.0.1:8000/ and log in as:")
        for username, role in accounts:
            self.stdout.write(f"  {username:<18} password: {password}   ({role})")

    @transaction.atomic
    def accounts(self, password):
        unit = Unit.objects.get(code=DEMO_UNIT)
        User = get_user_model()
        made = []
        for username, role, label, superuser in [
            ("supervisor", Role.SUPERVISOR, "中心主任 supervisor", True),
            ("worker", Role.SOCIAL_WORKER, "社工 social worker", False),
            ("nurse", Role.NURSE, "護士 nurse", False),
        ]:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = superuser
            user.set_password(password)
            user.save()
            staff = Staff.objects.filter(unit=unit, user=user).first()
            if staff is None:
                staff = Staff.objects.filter(unit=unit, roles__role=role, user__isnull=True).order_by("pk").first()
            if staff is None:
                staff = Staff.objects.create(unit=unit, external_id=f"user-{username}", name=username)
                StaffRole.objects.create(staff=staff, role=role)
            staff.user = user
            staff.save(update_fields=["user"])
            user.first_name = staff.name
            user.save(update_fields=["first_name"])
            level = Level.SUPERVISOR if role == Role.SUPERVISOR else Level.WORKER
            Access.objects.update_or_create(user=user, defaults={"level": level, "unit": unit,
                                                                 "organisation": unit.organisation})
            made.append((username, label))
        return made
