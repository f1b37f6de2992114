/**
 * A real OpenID provider on loopback for the tests (oidc-provider, with its development login
 * form: any account name, any password), with its own signing key, accounts whose groups a test can
 * change, and a proxy in front of it that can tamper with the ID tokens it hands out — to show that
 * FIS refuses a token with a broken signature, an expired one and one with another nonce.
 */
import { createServer, request, type Server } from 'node:http';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import Provider from 'oidc-provider';
import { freePort } from '../test/pg-server';

export type TokenMode = 'honest' | 'tampered' | 'expired' | 'other-nonce';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  groups: Map<string, string[]>;
  mode: TokenMode;
  close(): Promise<void>;
}

export async function startProvider(redirectUris: string[], postLogoutRedirectUris: string[]): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'fis-test', alg: 'RS256', use: 'sig' } as JWK;
  const signingKey = await importJWK(jwk, 'RS256');
  const [inner, outer] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${outer}`;
  const clientId = 'fis';
  const clientSecret = 'fis-test-secret-0123456789abcdef';
  const groups = new Map<string, string[]>();
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris, post_logout_redirect_uris: postLogoutRedirectUris, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    jwks: { keys: [jwk] },
    scopes: ['openid', 'profile', 'groups'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    // the groups in the ID token itself, as Keycloak's group mapper puts them
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, id) {
      return { accountId: id, claims: async () => ({ sub: id, preferred_username: id, name: `Test ${id}`, groups: groups.get(id) ?? [] }) };
    },
  });
  provider.proxy = true;
  const providerServer = provider.listen(inner, '127.0.0.1') as Server;
  const state: TestProvider = { issuer, clientId, clientSecret, groups, mode: 'honest', close: async () => {} };

  const forge = async (token: string): Promise<string> => {
    const claims = decodeJwt(token);
    const header = decodeProtectedHeader(token);
    if (state.mode === 'tampered') {
      const [h, , sig] = token.split('.');
      const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
      return `${h}.${payload}.${sig}`;
    }
    const now = Math.floor(Date.now() / 1000);
    const changed = state.mode === 'expired' ? { ...claims, iat: now - 7200, exp: now - 3600 } : { ...claims, nonce: 'a-nonce-fis-never-sent' };
    return new SignJWT(changed).setProtectedHeader({ alg: 'RS256', kid: header.kid ?? 'fis-test' }).sign(signingKey);
  };

  // the proxy: everything passes, except that the token endpoint's ID token may be forged
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = request({ host: '127.0.0.1', port: inner, path: req.url, method: req.method, headers: { ...req.headers, 'x-forwarded-proto': 'http', 'x-forwarded-host': `127.0.0.1:${outer}` } }, (upRes) => {
        const body: Buffer[] = [];
        upRes.on('data', (c: Buffer) => body.push(c));
        upRes.on('end', async () => {
          let out = Buffer.concat(body);
          if (req.url?.startsWith('/token') && state.mode !== 'honest' && upRes.statusCode === 200) {
            const json = JSON.parse(out.toString('utf8')) as { id_token?: string };
            if (json.id_token) json.id_token = await forge(json.id_token);
            out = Buffer.from(JSON.stringify(json));
          }
          const headers = { ...upRes.headers };
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          res.writeHead(upRes.statusCode ?? 502, { ...headers, 'content-length': String(out.length) });
          res.end(out);
        });
      });
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => proxy.listen(outer, '127.0.0.1', () => r()));
  state.close = async () => {
    await new Promise((r) => proxy.close(r));
    await new Promise((r) => providerServer.close(r));
  };
  return state;
}
