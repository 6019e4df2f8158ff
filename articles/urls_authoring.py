"""Officers' pages under /my/articles/, in the articles namespace (articles:my-list, …)."""

from django.urls import path

from articles import authoring_views as views

urlpatterns = [
    path("my/articles/", views.my_articles, name="my-list"),
    path("my/articles/new/", views.article_new, name="my-new"),
    path("my/articles/<int:pk>/", views.article_detail, name="my-detail"),
    path("my/articles/<int:pk>/edit/", views.article_edit, name="my-edit"),
    path("my/articles/<int:pk>/preview/", views.article_preview, name="my-preview"),
    path("my/articles/<int:pk>/submit/", views.article_submit_view, name="my-submit"),
    path("my/articles/<int:pk>/revise/", views.article_revise, name="my-revise"),
    path("my/articles/<int:pk>/discard/", views.article_discard_view, name="my-discard"),
    path("my/articles/<int:pk>/images/", views.article_image_upload, name="my-image-upload"),
]
