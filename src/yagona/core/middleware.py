import hashlib

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from yagona.core.countries import active_pack


def browser_language(request, languages) -> str | None:
    """The first of the browser's Accept-Language choices the pack speaks (``ru-RU``
    counts as ``ru``), or None."""
    header = request.headers.get("Accept-Language", "")[:1000]  # parsing is per item
    for code, _quality in parse_accept_lang_header(header):
        code = code.lower()
        for candidate in (code, code.split("-")[0]):
            if candidate in languages:
                return candidate
    return None


def negotiated_language(request, languages, user=None) -> str:
    """The reader's choice (cookie, then a signed-in person's setting) wins; else the
    browser's language, limited to the pack's; else the pack's first language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen not in languages and user is not None and user.is_authenticated:
        chosen = user.language
    if chosen in languages:
        return chosen
    return browser_language(request, languages) or languages[0]


class PackLanguageMiddleware:
    """The interface speaks the language the reader chose (cookie), else the browser's
    (Accept-Language), else the pack's default; only the pack's languages are offered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = negotiated_language(request, active_pack().languages, request.user)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        translation.deactivate()
        return response


def cache_anonymous(view):
    """Mark a public view whose page may be served from the cache to anonymous readers."""
    view.cache_anonymous = True
    return view


class AnonymousPageCache:
    """Serve public catalogue pages to anonymous readers from the cache.

    It sits before sessions and authentication, so a hit costs one cache read. Only
    responses of views marked ``cache_anonymous``, to requests without a session
    cookie and setting no cookie, are stored; keys carry the negotiated language (cookie or
    Accept-Language, as PackLanguageMiddleware decides it) and the
    catalogue version, so loading a pack changes every key at once (at most
    ``VERSION_SECONDS`` later in other processes), and entries expire after ``TTL``.
    """

    TTL = 300
    VERSION_SECONDS = 2.0
    # Pages have a cache of their own: anyone can add entries (one per address), and
    # filling the default cache would cull sign-in lockouts (see settings.CACHES).
    CACHE = "pages"

    def __init__(self, get_response):
        self.get_response = get_response
        self._version, self._version_at = None, 0.0

    def _catalogue_version(self):
        import time

        now = time.monotonic()
        if self._version is None or now - self._version_at > self.VERSION_SECONDS:
            self._version, self._version_at = catalogue_version(), now
        return self._version

    def _key(self, request):
        language = negotiated_language(request, active_pack().languages)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        return f"page:{self._catalogue_version()}:{language}:{path}"

    def __call__(self, request):
        from django.core.cache import caches

        cache = caches[self.CACHE]
        cacheable = request.method in ("GET", "HEAD") and \
            settings.SESSION_COOKIE_NAME not in request.COOKIES
        if not cacheable:
            return self.get_response(request)
        key = self._key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (response.status_code == 200 and not response.cookies and match is not None
                and getattr(match.func, "cache_anonymous", False)
                and not getattr(response, "streaming", False)):
            cache.set(key, response, self.TTL)
        return response


CATALOGUE_VERSION_KEY = "catalogue-version"


def catalogue_version() -> int:
    """The version of the public pages' content, part of every cached page's key."""
    from django.core.cache import cache

    return cache.get_or_set(CATALOGUE_VERSION_KEY, 1, timeout=None)


def catalogue_changed() -> None:
    """Invalidate cached catalogue pages everywhere (a new version key)."""
    from django.core.cache import cache

    try:
        cache.incr(CATALOGUE_VERSION_KEY)
    except ValueError:
        cache.set(CATALOGUE_VERSION_KEY, 2, timeout=None)
