from django.conf import settings

from yagona.core.countries import active_pack
from yagona.core.text import localized


def platform(request):
    pack = active_pack()
    return {
        "pack": pack,
        "country_name": localized(pack.name),
        "interface_languages": [
            (code, name) for code, name in settings.LANGUAGES if code in pack.languages
        ],
    }
