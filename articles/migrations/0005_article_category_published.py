"""A category's newest published articles from an index: related articles on every article
page and the category filter stay the same cost however many articles there are."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_revisions_and_review_workflow")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["category", "status", "-published_at", "-id"], name="article_category_published"
            ),
        ),
    ]
