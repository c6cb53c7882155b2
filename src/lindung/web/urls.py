from django.urls import path

from lindung.web import views

urlpatterns = [path("", views.home, name="home")]
