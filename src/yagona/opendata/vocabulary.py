"""The controlled vocabularies of a dataset's metadata, as DCAT-AP and data.europa.eu
name them: data themes, update frequencies, licences and file formats. Codes are the
EU Publications Office's authority tables (stable URIs a harvester understands); the
names are translated like every other text."""

from django.utils.translation import gettext_lazy as _

EU = "http://publications.europa.eu/resource/authority/"

# The EU's data themes (CKAN's groups): code -> name.
THEMES = {
    "AGRI": _("Agriculture, fisheries, forestry and food"),
    "ECON": _("Economy and finance"),
    "EDUC": _("Education, culture and sport"),
    "ENER": _("Energy"),
    "ENVI": _("Environment"),
    "GOVE": _("Government and public sector"),
    "HEAL": _("Health"),
    "INTR": _("International issues"),
    "JUST": _("Justice, legal system and public safety"),
    "REGI": _("Regions and cities"),
    "SOCI": _("Population and society"),
    "TECH": _("Science and technology"),
    "TRAN": _("Transport"),
}

FREQUENCIES = {
    "DAILY": _("Daily"),
    "WEEKLY": _("Weekly"),
    "MONTHLY": _("Monthly"),
    "QUARTERLY": _("Quarterly"),
    "ANNUAL": _("Annually"),
    "IRREG": _("Irregularly"),
    "UPDATE_CONT": _("Continuously updated"),
    "NEVER": _("Never (a closed series)"),
}

# Open licences a dataset may carry: CKAN's license_id -> (title, URL). The titles are
# the licences' own names and are not translated.
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0 (public domain)",
                "https://creativecommons.org/publicdomain/zero/1.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0",
                 "https://opendatacommons.org/licenses/odbl/1-0/"),
}
DEFAULT_LICENCE = "CC-BY-4.0"


class Format:
    """A file format: its media type, whether its rows can be shown as a table, and
    how the first bytes of a file in it must look."""

    def __init__(self, media_type: str, tabular: bool = False):
        self.media_type, self.tabular = media_type, tabular


FORMATS = {
    "CSV": Format("text/csv", tabular=True),
    "JSON": Format("application/json"),
    "GEOJSON": Format("application/geo+json"),
    "XLSX": Format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   tabular=True),
    "XML": Format("application/xml"),
    "PDF": Format("application/pdf"),
    "HTML": Format("text/html"),  # a link to a page (an application, a map)
    "API": Format("application/json"),  # a link to an interface
}
UPLOAD_FORMATS = ("CSV", "JSON", "GEOJSON", "XLSX", "XML", "PDF")  # the others are links


def theme_uri(code: str) -> str:
    return f"{EU}data-theme/{code}"


def frequency_uri(code: str) -> str:
    return f"{EU}frequency/{code}"


def format_uri(code: str) -> str:
    return f"{EU}file-type/{code}"
