"""API tokens for tests: officials get an office token (with the second factor it needs)."""


def api_token(user, name="test") -> str:
    from yagona.accounts import services
    from yagona.accounts.models import TokenScope
    from yagona.core.audit import SYSTEM
    from yagona.testing.web import TOTP_SECRET

    if not user.official_roles.exists():
        return services.issue_api_token(SYSTEM, user, name)
    from yagona.accounts.queries import has_second_factor

    if not has_second_factor(user):
        services.enable_totp(SYSTEM, user, TOTP_SECRET)
    return services.issue_api_token(SYSTEM, user, name, scope=TokenScope.OFFICE)
