"""Thailand's provinces and districts from the bundled reference data (see data/README.md)."""

import json
from pathlib import Path

from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"

# Six-region system of the Royal Society, by DOPA province code.
REGION_BY_CODE: dict[int, str] = {
    **{code: "central" for code in (10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 26,
                                    60, 61, 62, 64, 65, 66, 67, 72, 73, 74, 75)},
    **{code: "east" for code in (20, 21, 22, 23, 24, 25, 27)},
    **{code: "northeast" for code in range(30, 50)},
    **{code: "north" for code in range(50, 59)},
    **{code: "west" for code in (63, 70, 71, 76, 77)},
    **{code: "south" for code in (80, 81, 82, 83, 84, 85, 86, 90, 91, 92, 93, 94, 95, 96)},
}

# The Community Development Department has no office in Bangkok.
INACTIVE_BY_DEFAULT = {10}


def province_rows() -> list[dict]:
    """Province field values, one dict per province, from provinces.json."""
    rows = json.loads((DATA_DIR / "provinces.json").read_text(encoding="utf-8"))
    return [
        {
            "code": row["provinceCode"],
            "name_th": row["provinceNameTh"].strip(),
            "name_en": row["provinceNameEn"].strip(),
            "slug": slugify(row["provinceNameEn"]),
            "region": REGION_BY_CODE[row["provinceCode"]],
            "is_active": row["provinceCode"] not in INACTIVE_BY_DEFAULT,
        }
        for row in rows
    ]


def district_rows() -> list[dict]:
    """District field values with the province's code, one dict per district."""
    rows = json.loads((DATA_DIR / "districts.json").read_text(encoding="utf-8"))
    return [
        {
            "code": row["districtCode"],
            "province_code": row["provinceCode"],
            "name_th": row["districtNameTh"].strip(),
            "name_en": row["districtNameEn"].strip(),
            "postal_code": str(row.get("postalCode") or ""),
        }
        for row in rows
    ]
