from django.urls import path

from articles import feeds, views
from articles.urls_authoring import urlpatterns as authoring_urlpatterns

app_name = "articles"

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("<slug:province_slug>/articles/", views.ProvinceArticleListView.as_view(), name="list"),
    path("<slug:province_slug>/articles/<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path(
        "<slug:province_slug>/articles/<int:pk>-<str:title_slug>/",
        views.article_with_title_redirect,
        name="detail-with-title",
    ),
    path("<slug:province_slug>/feed/", feeds.ProvinceArticlesFeed(), name="province-feed"),
]
# Officers' pages go first: /my/articles/ would otherwise be read as a province called "my".
urlpatterns = authoring_urlpatterns + urlpatterns
