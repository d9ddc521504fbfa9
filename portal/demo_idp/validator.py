"""The demo provider's claims: every claim of the directory entry, whatever the scopes."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from portal.demo_idp.directory import claims_for


class DemoIdPValidator(OAuth2Validator):
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return claims_for(request.user)
