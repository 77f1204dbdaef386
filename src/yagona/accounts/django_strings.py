"""Django's own password-rule texts that its Tajik catalogue leaves untranslated.

Listed here so that makemessages copies them into our catalogues, which Django
reads before its own (LOCALE_PATHS). Never imported: only read by makemessages.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy

PASSWORD_RULES = (
    gettext_lazy("Your password can’t be too similar to your other personal information."),
    ngettext_lazy("Your password must contain at least %(min_length)d character.",
                  "Your password must contain at least %(min_length)d characters.",
                  "min_length"),
    gettext_lazy("Your password can’t be a commonly used password."),
    gettext_lazy("Your password can’t be entirely numeric."),
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.",
                  "min_length"),
)
