from django.urls import path

from groundswell.directory import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.directory, name="directory"),
]
