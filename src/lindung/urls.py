from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path


def _superuser_only(request: HttpRequest) -> bool:
    """Django's admin is for superusers only; every other role works in lindung's own pages."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superuser_only  # type: ignore[method-assign]
admin.site.site_header = "lindung · admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("lindung.api.urls")),
    path("", include("lindung.web.urls")),
]
