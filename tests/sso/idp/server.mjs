// The OpenID Connect provider the SSO browser tests sign in through: the `oidc-provider`
// package (an OpenID Certified implementation) on loopback, with its development login form.
//
// Environment: IDP_PORT (the provider; IDP_PORT + 1 serves a second provider whose signing
// keys the app must not trust), IDP_ACCOUNTS (a JSON file read at every sign-in, so a test
// changes a person's groups "in the directory" by rewriting it), IDP_APP (the app's base URL).
//
// Clients: "outcomes" (the app); "outcomes-slow" whose ID tokens live one second and whose token
// answers take two, so they arrive expired; "outcomes-swap", whose token answers carry the ID
// token this provider minted for the second client "other-app" (a token for another audience).
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT || 9400);
const app = process.env.IDP_APP || 'http://127.0.0.1:8000';
const accountsFile = process.env.IDP_ACCOUNTS;

// The key comes out of generateKeyPairSync as PEM and is read back before its JWK export: a
// garbage collection during `export` of the very key object generateKeyPairSync returned can
// deadlock Node (the finished key generation job, collected then, waits for the lock that the
// export holds on that same key), which left the provider hanging before it listened.
function signingKeys(kid) {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const jwk = createPrivateKey(privateKey).export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256' }] };
}

function client(clientId) {
  return {
    client_id: clientId,
    client_secret: `${clientId}-secret`,
    redirect_uris: ['outcomes', 'outcomes-slow', 'outcomes-swap', 'outcomes-pinned'].map(
      (slug) => `${app}/sso/oidc/${slug}/login/callback/`,
    ),
    post_logout_redirect_uris: [`${app}/login/`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  };
}

function accounts() {
  return JSON.parse(readFileSync(accountsFile, 'utf8'));
}

function configuration(kid) {
  return {
    clients: ['outcomes', 'outcomes-slow', 'outcomes-swap', 'other-app'].map(client),
    jwks: signingKeys(kid),
    cookies: { keys: ['test-idp-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      groups: ['groups'],
    },
    conformIdTokenClaims: false, // the ID token carries the scopes' claims (groups, e-mail)
    pkce: { required: () => true }, // proves the app sends a PKCE challenge
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    ttl: { IdToken: (ctx, token, c) => (c.clientId === 'outcomes-slow' ? 1 : 3600) },
    async findAccount(ctx, id) {
      const person = accounts()[id];
      if (!person) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...person }) };
    },
    // First-party clients: no consent screen.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  };
}

const provider = new Provider(`http://127.0.0.1:${port}`, configuration('trusted-key'));

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200) return;
  const clientId = ctx.oidc?.client?.clientId;
  if (clientId === 'outcomes-slow') {
    await new Promise((resolve) => { setTimeout(resolve, 2000); });
  } else if (clientId === 'outcomes-swap') {
    const other = await provider.Client.find('other-app');
    const claims = JSON.parse(Buffer.from(ctx.body.id_token.split('.')[1], 'base64url'));
    const token = new provider.IdToken({ sub: claims.sub, nonce: claims.nonce }, { ctx, client: other });
    ctx.body = { ...ctx.body, id_token: await token.issue({ use: 'idtoken' }) };
  }
});

provider.listen(port, '127.0.0.1');
new Provider(`http://127.0.0.1:${port + 1}`, configuration('untrusted-key')).listen(port + 1, '127.0.0.1');
console.log(`idp ready on ${port}`);
