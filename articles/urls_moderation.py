"""Province moderators' pages under /moderation/."""

from django.urls import path

from articles import moderation_views as views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/publish/", views.decide, {"action": "publish"}, name="publish"),
    path("<int:pk>/return/", views.decide, {"action": "return"}, name="return"),
    path("<int:pk>/reject/", views.decide, {"action": "reject"}, name="reject"),
    path("<int:pk>/archive/", views.decide, {"action": "archive"}, name="archive"),
]
