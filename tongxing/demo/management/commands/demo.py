import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.audit.services import data_changed
from tongxing.cases.models import Case
from tongxing.cases.selectors import open_cases
from tongxing.demo.extras import add_extras
from tongxing.demo.extras.team import add_team
from tongxing.demo.generate import generate
from tongxing.exchange.schema import parse
from tongxing.exchange.services import import_document
from tongxing.lib.db import ensure_migrated
from tongxing.organisations.models import Role, Staff, StaffRole, Unit
from tongxing.reports.views import current_fy
from tongxing.standards.engine import Period

DEMO_UNIT = "DEMO"
# What the demo supervisor may do in the admin site (least privilege: not a superuser).
SUPERVISOR_PERMISSIONS = [f"{action}_{model}" for action in ("view", "change")
                          for model in ("agreedlevel", "schoolconversion")]


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
            # The current year runs up to today: work not yet done is not recorded.
            doc = generate(unit_code=DEMO_UNIT, people=people, activities_per_year=activities_per_year,
                           years=(fy - 1, fy), seed=2024, until=timezone.localdate())
            document, problems = parse(doc)
            if problems:
                raise RuntimeError("demo data is not valid exchange data: " + "; ".join(problems[:5]))
            import_document(document)
        password = password or secrets.token_urlsafe(9)
        accounts = self.accounts(password)
        unit = Unit.objects.get(code=DEMO_UNIT)
        User = get_user_model()
        add_extras(unit, start=Period.financial_year(fy - 1).start, end=Period.financial_year(fy).last_day,
                   today=timezone.localdate(), by=User.objects.get(username="supervisor"),
                   worker=Staff.objects.filter(unit=unit, user__username="worker").first())
        add_team(unit, today=timezone.localdate(), by=User.objects.get(username="supervisor"))
        data_changed()  # the extras are written directly, not each with its audit event
        self.stdout.write(self.style.SUCCESS("Demo centre ready: 同行社區戒毒輔導中心 (DEMO)"))
        self.stdout.write("Log in as:")
        for username, role in accounts:
            self.stdout.write(f"  {username:<18} password: {password}   ({role})")
        self.stdout.write("The supervisor account must pair an authenticator app (TOTP) on first login, as production "
                          "requires for supervisors; `TONGXING_REQUIRE_2FA= ./scripts/up.sh` runs the demo without "
                          "that requirement.")

    @transaction.atomic
    def accounts(self, password):
        unit = Unit.objects.get(code=DEMO_UNIT)
        User = get_user_model()
        made = []
        for username, role, label, admin_site in [
            ("supervisor", Role.SUPERVISOR, "中心主任 supervisor", True),
            ("worker", Role.SOCIAL_WORKER, "社工 social worker", False),
            ("nurse", Role.NURSE, "護士 nurse", False),
        ]:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff, user.is_superuser = admin_site, False
            user.set_password(password)
            user.save()
            user.user_permissions.set(
                Permission.objects.filter(content_type__app_label="standards", codename__in=SUPERVISOR_PERMISSIONS)
                if admin_site else [])
            staff = Staff.objects.filter(unit=unit, user=user).first()
            if staff is None:
                # The colleague with the largest open caseload, so the worker's home has cases to show.
                live = open_cases(Case.objects.filter(unit=unit)).values("pk")
                staff = (Staff.objects.filter(unit=unit, roles__role=role, user__isnull=True)
                         .annotate(open=Count("caseload", filter=Q(caseload__in=live), distinct=True))
                         .order_by("-open", "pk").first())
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
