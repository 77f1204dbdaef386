"""What a verification trusts and knows: the platform root as the only trust anchor, the
issuing authorities as known intermediates, and revocation information.

Revocation: the platform is the authority for its own certificates, so their status
comes from its CURRENT CRLs, never from the answers a document embeds (a B-LT document
carries the OCSP answer "good" of its signing hour: fresh for an hour, it would hide a
revocation made since). A certificate revoked after signing is then REVOKED_NO_POE at
the current time, and the signature timestamp proves the signature existed before the
revocation (EN 319 102-1 §5.5), so it passes; one revoked before signing does not.
Revocation information of other issuers comes from the document (its DSS). Nothing is
fetched over the network.
"""

from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.policy_decl import (
    CertificateFetchingRule,
    LocalKnowledge,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import policy_decl
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer, OCSPContainer

from yagona.signing import keystore, pki

ISSUERS = ("root", *pki.AUTHORITIES)
NO_FETCHING = RevocationInfoGatheringSpec(
    online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY,
    certificate_fetching_rule=CertificateFetchingRule.NEVER_FETCH)
REVOCATION_POLICY = policy_decl.CertRevTrustPolicy(
    revocation_checking_policy=policy_decl.REQUIRE_REVINFO)


class Material:
    """The trust anchor, the platform's certificates and CRLs, and what a document
    embeds, gathered once per verification."""

    def __init__(self, embedded: LocalKnowledge | None = None):
        chain = pki.hierarchy()
        self.root = keystore.asn1(chain.root.certificate)
        self.authorities = [keystore.asn1(p.certificate) for p in chain.authorities.values()]
        ours = [self.root, *self.authorities]
        self.our_names = {c.subject.dump() for c in ours}
        self.our_key_hashes = {c.public_key.sha1 for c in ours}
        self.our_key_ids = {c.key_identifier for c in ours}
        self._revoked = {}
        self.crls = [CRLContainer(asn1_crl.CertificateList.load(der))
                     for der in pki.crls(ISSUERS)]
        embedded = embedded or LocalKnowledge()
        self.known = LocalKnowledge(
            known_crls=self.crls + [c for c in embedded.known_crls if not self._ours_crl(c)],
            known_ocsps=[o for o in embedded.known_ocsps if not self._ours_ocsp(o)],
            known_certs=[*self.authorities, *embedded.known_certs])

    def revocation(self, certificate) -> tuple[str, datetime | None, str]:
        """("good" | "revoked" | "unknown", when, why) as of now: for a certificate of
        the hierarchy, its issuer's current CRL says; of anyone else nothing is known."""
        if certificate.authority_key_identifier not in self.our_key_ids:
            return "unknown", None, ""
        if not self._revoked:
            for container in self.crls:
                issuer = container.crl_data["tbs_cert_list"]["issuer"].dump()
                for entry in container.crl_data["tbs_cert_list"]["revoked_certificates"]:
                    self._revoked[issuer, entry["user_certificate"].native] = (
                        entry["revocation_date"].native, entry.crl_reason_value.native
                        if entry.crl_reason_value is not None else "")
            self._revoked[None] = None  # read once, even when nothing is revoked
        found = self._revoked.get((certificate.issuer.dump(), certificate.serial_number))
        return ("revoked", *found) if found else ("good", None, "")

    def spec(self) -> SignatureValidationSpec:
        return SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build([self.root]),
                revinfo_policy=REVOCATION_POLICY),
            revinfo_gathering_policy=NO_FETCHING, local_knowledge=self.known)

    def certificates(self) -> list:
        """Every certificate known besides a signature's own: to build a chain shown
        for a signature that found no trusted path."""
        return [self.root, *self.known.known_certs]

    def _ours_crl(self, container: CRLContainer) -> bool:
        return container.crl_data["tbs_cert_list"]["issuer"].dump() in self.our_names

    def _ours_ocsp(self, container: OCSPContainer) -> bool:
        try:
            basic = container.ocsp_response_data["response_bytes"]["response"].parsed
            responder = basic["tbs_response_data"]["responder_id"]
            if responder.name == "by_key":
                return responder.chosen.native in self.our_key_hashes
            return responder.chosen.dump() in self.our_names
        except (KeyError, ValueError, TypeError):
            return False


def embedded_knowledge(reader) -> tuple[LocalKnowledge, bool]:
    """The certificates, CRLs and OCSP answers of the document's DSS, and whether it
    holds revocation information at all (the mark of B-LT). A damaged DSS counts as
    none: the signatures are then checked without it."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        ocsps = [item for answer in dss.ocsps for item in OCSPContainer.load_multi(
            asn1_ocsp.OCSPResponse.load(
                answer.get_object().read_data(DecodePurpose.OCSP_RESPONSE)))]
        crls = [CRLContainer(asn1_crl.CertificateList.load(
            item.get_object().read_data(DecodePurpose.CRL))) for item in dss.crls]
        certs = list(dss.load_certs())
    except NoDSSFoundError:
        return LocalKnowledge(), False
    except Exception:  # noqa: BLE001 - whatever a damaged DSS raises, it is not used
        return LocalKnowledge(), False
    return LocalKnowledge(known_crls=crls, known_ocsps=ocsps, known_certs=certs), \
        bool(crls or ocsps)
