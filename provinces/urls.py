from django.urls import path

from provinces import views

app_name = "provinces"

urlpatterns = [
    path("<slug:province_slug>/", views.ProvinceHomeView.as_view(), name="home"),
]
