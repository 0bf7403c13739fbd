from django.urls import path

from groundswell.accounts import views

# Listed before django.contrib.auth.urls, whose names these take over.
urlpatterns = [
    path("password_reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
]
