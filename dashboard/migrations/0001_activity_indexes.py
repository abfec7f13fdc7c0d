"""Indexes the dashboard's date-range aggregates walk, on tables of other apps.

Raw SQL with no model state: the rows belong to qa, only the dashboard reads
them by date. Each index covers its query (date, then who), so counting a
period's active members reads the index alone.
"""

from django.db import migrations

INDEXES = [
    ("dashboard_post_created_idx", "qa_post", "created_at, author_id, deleted_at"),
    ("dashboard_comment_created_idx", "qa_comment", "created_at, author_id, deleted_at"),
    ("dashboard_vote_created_idx", "qa_vote", "created_at, user_id"),
    ("dashboard_user_joined_idx", "accounts_user", "date_joined"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("qa", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
