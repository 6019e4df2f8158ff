from django.urls import path, re_path

from provinces import views

app_name = "provinces"

urlpatterns = [
    path("", views.NationalHomeView.as_view(), name="index"),
    # The province colour as a stylesheet, so no page needs an inline style (CSP).
    re_path(r"^theme/(?P<colour>[0-9a-f]{6})\.css$", views.theme_stylesheet, name="theme_css"),
    path("<slug:province_slug>/", views.ProvinceHomeView.as_view(), name="home"),
    path("<slug:province_slug>/about/", views.ProvinceAboutView.as_view(), name="about"),
]
