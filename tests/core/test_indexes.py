"""Every index earns its place: none is the leading column of another index of its table.

An index on a foreign key alone beside a unique constraint or primary key that starts with the
same column is written on every insert for nothing, and worse, with statistics older than the
table's growth, PostgreSQL chose one such index over the composite key and read a million rows
to find 256 (the transparency log's tiles, docs/performance.md).
"""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def redundant_indexes() -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("transparency").get_models():
            table = model._meta.db_table
            constraints = connection.introspection.get_constraints(cursor, table)
            covering = [
                spec["columns"]
                for spec in constraints.values()
                if (spec["index"] or spec["unique"] or spec["primary_key"]) and spec["columns"]
            ]
            for name, spec in constraints.items():
                columns = spec["columns"]
                if not spec["index"] or spec["unique"] or spec["primary_key"] or len(columns) != 1:
                    continue
                if spec.get("type") not in (None, "btree", "idx"):
                    continue
                if any(len(other) > 1 and other[0] == columns[0] for other in covering):
                    found.append(f"{table}.{name} ({columns[0]})")
    return found


def test_the_logs_tables_have_no_index_that_another_one_starts_with():
    assert redundant_indexes() == []
