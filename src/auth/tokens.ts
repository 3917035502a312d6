import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { unauthorized } from '../core/errors.js';

/**
 * Bearer tokens are JWTs signed with HS256 and a `kid` naming the signing key (see
 * signing-keys.ts), so keys can be rotated while older tokens still verify until they expire.
 * Only HS256 is accepted: `alg: none` and every other algorithm are refused before any
 * signature work.
 */
export interface TokenClaims {
  sub: string;
  acc: string;
  typ: 'client' | 'user';
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  role?: string;
  /** Users only: upn, groups and display name, as they were at login. */
  upn?: string;
  grp?: string[];
  name?: string;
}

export interface SigningKey { kid: string; key: Buffer }

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export function signToken(claims: Omit<TokenClaims, 'iat' | 'exp' | 'jti'>, key: SigningKey, ttlSeconds: number, now = Date.now()): { token: string; claims: TokenClaims } {
  const iat = Math.floor(now / 1000);
  const full: TokenClaims = { ...claims, iat, exp: iat + ttlSeconds, jti: randomBytes(9).toString('base64url') };
  const head = b64({ alg: 'HS256', typ: 'JWT', kid: key.kid });
  const body = b64(full);
  const sig = createHmac('sha256', key.key).update(`${head}.${body}`).digest('base64url');
  return { token: `${head}.${body}.${sig}`, claims: full };
}

export function verifyToken(token: string, keys: (kid: string) => SigningKey | undefined, now = Date.now()): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthorized('The access token is malformed');
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let claims: TokenClaims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    throw unauthorized('The access token is malformed');
  }
  if (header.alg !== 'HS256') throw unauthorized('The access token uses an algorithm this server does not accept');
  const key = typeof header.kid === 'string' ? keys(header.kid) : undefined;
  if (!key) throw unauthorized('The access token was signed with an unknown key');
  const expected = createHmac('sha256', key.key).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized('The access token signature is invalid');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) throw unauthorized('The access token has expired');
  if (typeof claims.sub !== 'string' || typeof claims.acc !== 'string' || typeof claims.scope !== 'string') {
    throw unauthorized('The access token is malformed');
  }
  return claims;
}
