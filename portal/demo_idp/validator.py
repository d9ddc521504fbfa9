"""The demo provider's claims: every claim of the directory entry, whatever the scopes."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from portal.demo_idp.directory import claims_for, token_overrides


class DemoIdPValidator(OAuth2Validator):
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return claims_for(request.user)

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        claims.update(token_overrides())
        return claims, expiration_time
