"""Single sign-on: OpenID Connect and SAML 2.0 through django-allauth, with roles, agent group,
managed groups and skills mapped from the provider's groups at every sign-in (docs/sso.md)."""
