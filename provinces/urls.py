from django.urls import path

from provinces import views

app_name = "provinces"

urlpatterns = [
    path("", views.NationalHomeView.as_view(), name="index"),
    path("<slug:province_slug>/", views.ProvinceHomeView.as_view(), name="home"),
    path("<slug:province_slug>/about/", views.ProvinceAboutView.as_view(), name="about"),
]
