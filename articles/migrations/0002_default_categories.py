from django.db import migrations

DEFAULT_CATEGORIES = [
    ("เทคนิคส่งเสริมสัมมาชีพ", "techniques", 10),
    ("บันทึกองค์ความรู้ (KM)", "km-record", 20),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("articles", "Category")
    for name, slug, position in DEFAULT_CATEGORIES:
        Category.objects.get_or_create(name=name, defaults={"slug": slug, "position": position})


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
