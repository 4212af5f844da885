from django.urls import path

from motcua.workflow import views

app_name = "workflow"
urlpatterns = [
    path("<str:code>/", views.process_detail, name="process"),
]
