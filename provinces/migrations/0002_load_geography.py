"""Load all 77 provinces and 928 districts from provinces/data (MIT, see data/LICENSE)."""

from django.db import migrations


def load_geography(apps, schema_editor):
    from provinces.geography import district_rows, province_rows

    Province = apps.get_model("provinces", "Province")
    District = apps.get_model("provinces", "District")
    provinces = Province.objects.bulk_create(Province(**row) for row in province_rows())
    by_code = {province.code: province for province in provinces}
    District.objects.bulk_create(
        District(
            code=row["code"],
            province=by_code[row["province_code"]],
            name_th=row["name_th"],
            name_en=row["name_en"],
            postal_code=row["postal_code"],
        )
        for row in district_rows()
    )


def unload_geography(apps, schema_editor):
    apps.get_model("provinces", "District").objects.all().delete()
    apps.get_model("provinces", "Province").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("provinces", "0001_initial")]

    operations = [migrations.RunPython(load_geography, unload_geography)]
