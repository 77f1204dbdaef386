"""Names compared faster: asn1crypto's string preparation kept per string, put in place
at start-up.

Checking a certificate path and each CRL's issuer compares the same few names (the root,
the authorities, the TSA) over and over, and asn1crypto prepares every attribute value
(RFC 4518: mapping, normalisation, prohibited characters, spaces) anew for each freshly
parsed certificate: a tenth of a verification (bench/RESULTS.md). The preparation is a
function of the string alone, so its results are kept here (an LRU of a few thousand
strings); names are still compared by asn1crypto's own rules, value by value.
tests/test_asn1_names.py checks it against asn1crypto's over generated strings. Drop
this module if asn1crypto keeps prepared values itself.
"""

import functools

from asn1crypto import x509

asn1crypto_prep = x509.NameTypeAndValue._ldap_string_prep


@functools.lru_cache(maxsize=4096)
def prepared(string: str) -> str:
    """RFC 4518's preparation of ``string`` by asn1crypto (its errors are not kept)."""
    return asn1crypto_prep(None, string)


def _ldap_string_prep(self, string):
    return prepared(string)


def install() -> None:
    x509.NameTypeAndValue._ldap_string_prep = _ldap_string_prep
