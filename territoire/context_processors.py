from django.conf import settings


def platform(request):
    return {"PLATFORM_NAME": "Territoire", "DEBUG": settings.DEBUG}
