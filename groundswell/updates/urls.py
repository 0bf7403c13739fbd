from django.urls import path

from groundswell.updates import views

app_name = "updates"
urlpatterns = [
    # The personal link of every update, and the target of its one-click List-Unsubscribe-Post.
    path("unsubscribe/<slug:organization>/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
