from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup-done"),
    path("districts/", views.districts, name="districts"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/approve/", views.approve, name="approve"),
    path("approvals/<int:pk>/reject/", views.reject, name="reject"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/<int:pk>/unlock/", views.lockout_unlock, name="lockout-unlock"),
    path("moderators/", views.moderators, name="moderators"),
    path("moderators/<int:user_id>/appoint/", views.moderator_appoint, name="moderator-appoint"),
    path("moderators/<int:user_id>/revoke/", views.moderator_revoke, name="moderator-revoke"),
    path("province/<slug:province_slug>/edit/", views.province_edit, name="province-edit"),
]
