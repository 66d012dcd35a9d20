from django.db import migrations


def install_library(apps, schema_editor):
    from tongxing.outcomes.library import install

    install(lambda name: apps.get_model("outcomes", name))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(install_library, migrations.RunPython.noop)]
