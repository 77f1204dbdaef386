"""The kept string preparation gives what asn1crypto's own gives, and names compare
as before: equal under RFC 5280's rules (case, spaces), unequal otherwise."""

from asn1crypto import x509
from hypothesis import given
from hypothesis import strategies as st

from yagona.signing import asn1_names

# Letters of the packs' scripts, case and spacing variants, and characters RFC 4518 maps
# away, normalises or prohibits.
TEXT = st.text(alphabet=st.sampled_from(
    list("aAzZ ҳҲӣӢәƏşŞıİʻ'") + ["\u00ad", "\u200b", "\ufb01", "\u0301", "\t", "\ufffd",
                                 "\u0340", "\u05be", "\ue000"]), max_size=12)


def outcome(prep, string: str):
    try:
        return "ok", prep(string)
    except ValueError as error:
        return "error", str(error)


@given(TEXT)
def test_prepares_as_asn1crypto_does(string):
    original = outcome(lambda s: asn1_names.asn1crypto_prep(None, s), string)
    assert outcome(asn1_names.prepared, string) == original
    assert outcome(asn1_names.prepared, string) == original  # and again, from the cache


def test_it_is_the_preparation_names_use_and_they_compare_as_before():
    assert x509.NameTypeAndValue._ldap_string_prep is asn1_names._ldap_string_prep
    name = x509.Name.build({"common_name": "Адлия  Вазорати", "country_name": "TJ"})
    assert name == x509.Name.build({"common_name": "адлия вазорати ", "country_name": "TJ"})
    assert name != x509.Name.build({"common_name": "Адлия Вазорат", "country_name": "TJ"})
    assert name != x509.Name.build({"common_name": "Адлия Вазорати"})
