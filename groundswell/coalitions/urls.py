from django.urls import path

from groundswell.coalitions import views

urlpatterns = [
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
