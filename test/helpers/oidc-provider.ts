/**
 * A real OpenID Provider (panva/oidc-provider, certified) on 127.0.0.1 for tests: discovery,
 * JWKS, and client-credentials access tokens in JWT format (resourceIndicators with
 * accessTokenFormat 'jwt'), so `verify --oidc-issuer` can be exercised end to end.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SigningKeys = 'rsa' | 'ec' | 'mixed' | 'default';

export interface OidcTestProvider {
  /** the issuer the provider announces in discovery */
  issuer: string;
  /** the base URL it is served at (differs from issuer when issuerHost is set) */
  url: string;
  /** the resource (audience) its access tokens are for */
  audience: string;
  /** a client-credentials access token (a JWT) */
  clientCredentialsToken(): Promise<string>;
  close(): Promise<void>;
}

export interface OidcTestOptions {
  keys: SigningKeys;
  /** announce this host instead of 127.0.0.1 (e.g. 'localhost'): discovery issuer mismatch */
  issuerHost?: string;
  role?: string;
}

const CLIENT_ID = 'krishiv-coordinator-test';
const CLIENT_SECRET = 'test-client-secret-not-a-real-one-0123456789';
const RESOURCE = 'urn:krishiv:coordinator';

function privateJwk(kind: 'rsa' | 'ec' | 'ed'): Record<string, unknown> {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : kind === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return { ...(pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: `${kind}-test`, use: 'sig' };
}

export async function startOidcProvider(options: OidcTestOptions): Promise<OidcTestProvider> {
  const moduleName = 'oidc-provider'; // untyped package: keep it out of type resolution
  const { default: Provider } = (await import(moduleName)) as {
    default: new (
      issuer: string,
      config: Record<string, unknown>,
    ) => {
      callback(): (req: unknown, res: unknown) => void;
      proxy: boolean;
    };
  };
  // Listen first: the issuer must contain the port.
  let handler: ((req: unknown, res: unknown) => void) | undefined;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const issuer = `http://${options.issuerHost ?? '127.0.0.1'}:${port}`;

  const keys =
    options.keys === 'rsa'
      ? [privateJwk('rsa')]
      : options.keys === 'ec'
        ? [privateJwk('ec')]
        : options.keys === 'mixed'
          ? [privateJwk('rsa'), privateJwk('ec'), privateJwk('ed')]
          : undefined;
  const alg = options.keys === 'ec' ? 'ES256' : 'RS256';
  const role = options.role;
  const provider = new Provider(issuer, {
    ...(keys ? { jwks: { keys } } : {}),
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        ...(alg === 'RS256' ? {} : { id_token_signed_response_alg: alg }),
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'api',
          audience: RESOURCE,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg } },
        }),
      },
    },
    extraTokenClaims: () => (role === undefined ? undefined : { krishiv_role: role }),
  });
  handler = provider.callback();

  return {
    issuer,
    url,
    audience: RESOURCE,
    async clientCredentialsToken(): Promise<string> {
      const body = new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE, scope: 'api' }).toString();
      const { request } = await import('node:http');
      const text = await new Promise<string>((resolve, reject) => {
        const req = request(
          `${url}/token`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
            },
          },
          (res) => {
            let data = '';
            res.setEncoding('utf8').on('data', (d: string) => (data += d));
            res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`token endpoint ${res.statusCode}: ${data}`))));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      const token = (JSON.parse(text) as { access_token: string }).access_token;
      if (token.split('.').length !== 3) throw new Error('the provider issued an opaque token, not a JWT');
      return token;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
