"""Each unit's agency list starts with the agencies its referrals and consents already name, linked to them, so
a consent recorded before the list existed still covers referrals to the same agency."""

from django.db import migrations


def link(apps, schema_editor):
    Agency = apps.get_model("organisations", "Agency")
    Referral = apps.get_model("cases", "Referral")
    Consent = apps.get_model("privacy", "Consent")
    named = set(Referral.objects.exclude(agency="").values_list("unit_id", "agency"))
    named |= set(Consent.objects.values_list("person__unit_id", "recipient"))
    for unit_id, name in sorted(named):
        agency, _ = Agency.objects.get_or_create(unit_id=unit_id, name=name.strip()[:200] or name)
        Referral.objects.filter(unit_id=unit_id, agency=name).update(destination=agency)
        Consent.objects.filter(person__unit_id=unit_id, recipient=name).update(agency=agency)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_referral_lifecycle"),
        ("privacy", "0002_consent_agency"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
