from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "บทความองค์ความรู้"

    def ready(self):
        from articles.page_cache import connect_receivers

        connect_receivers()
