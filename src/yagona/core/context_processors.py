from yagona.core.countries import active_pack
from yagona.core.languages import language_name
from yagona.core.text import localized


def platform(request):
    pack = active_pack()
    return {
        "pack": pack,
        "country_name": localized(pack.name),
        "person_id_label": localized(pack.person_id_label),  # "Taxpayer identification number"
        "interface_languages": [(code, language_name(code, pack.raw))
                                for code in pack.languages],
    }
