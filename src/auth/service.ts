import { createHash } from 'node:crypto';
import { invalid, unauthorized } from '../core/errors.js';
import { ROLE_SCOPES, isScope, type Principal, type Scope, type User } from '../core/principals.js';
import type { MetadataStore } from '../store/port.js';
import { credentialKey, passwordEquivalentKeys, verifySecret } from './secrets.js';
import type { SigningKeys } from './signing-keys.js';
import { signToken, verifyToken, type TokenClaims } from './tokens.js';
import type { Revocations } from './revocations.js';

export interface IssuedToken { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }

// A hash to compare against when the client or user does not exist, so timing does not reveal which exist.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const BASIC_CACHE_MS = 60_000;

function displayName(u: User): string {
  return [u.firstName, u.lastName].filter(Boolean).join(' ') || u.username;
}

/** Client-credentials and password logins, bearer and Basic checks, logout. */
/** The key id in a token's header (the token has been verified, so the header is well formed). */
const kidOf = (token: string): string => (JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString()) as { kid: string }).kid;

export class AuthService {
  /** Recently verified Basic credentials (keyed by a hash), so scrypt does not run per request. */
  private readonly basicCache = new Map<string, { principal: Principal; until: number }>();
  private readonly bearerCache = new Map<string, { principal: Principal; until: number; kid: string }>();

  constructor(
    private readonly store: MetadataStore,
    private readonly keys: SigningKeys,
    private readonly ttlSeconds: number,
    private readonly revocations: Revocations,
  ) {}

  private issue(claims: Omit<TokenClaims, 'iat' | 'exp' | 'jti'>): IssuedToken {
    const { token } = signToken(claims, this.keys.current(), this.ttlSeconds);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds, scope: claims.scope };
  }

  async clientCredentials(clientId: string, clientSecret: string, requested?: string): Promise<IssuedToken> {
    const client = await this.store.getClient(clientId);
    const ok = await verifySecret(clientSecret, client?.secretHash ?? DUMMY_HASH);
    if (!client || !ok || client.revokedAt) throw unauthorized('The client credentials provided are invalid');
    let scopes: Scope[] = client.scopes;
    if (requested) {
      const asked = requested.split(/[\s,]+/).filter(Boolean);
      const unknown = asked.filter((s) => !isScope(s) || !client.scopes.includes(s));
      if (unknown.length) throw unauthorized(`The client may not request scope(s): ${unknown.join(', ')}`);
      scopes = asked as Scope[];
    }
    return this.issue({ sub: client.id, acc: client.accountId, typ: 'client', scope: scopes.join(' '), name: client.name });
  }

  /** Finds and checks a user; `account` (name or id) is needed only when the username exists in several accounts. */
  async checkUser(username: string, password: string, account?: string): Promise<User> {
    let candidates = await this.store.findUsersByUsername(username);
    if (account) {
      const acc = (await this.store.findAccountByName(account)) ?? (await this.store.getAccount(account));
      candidates = candidates.filter((u) => u.accountId === acc?.id);
    }
    if (candidates.length > 1) throw invalid('this username exists in several accounts: name the account');
    const user = candidates[0];
    const ok = await verifySecret(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabledAt) throw unauthorized('The username or password is incorrect');
    await this.keepCredentialKeys(user, password);
    return user;
  }

  /**
   * Users created before password-equivalent keys were kept get them at their next password
   * sign-in (the password is at hand only then), so Kazoo's user_auth works for them from then on.
   */
  private async keepCredentialKeys(user: User, password: string): Promise<void> {
    try {
      if (await this.store.hasCredentialKeys(user.accountId, user.id)) return;
      await this.store.addCredentialKeys(user.accountId, user.id, await passwordEquivalentKeys(user.username, password, user.accountId));
    } catch {
      // Only a convenience for another door's sign-in: never a reason to refuse this one.
    }
  }

  async userLogin(username: string, password: string, account?: string): Promise<IssuedToken> {
    return this.userToken(await this.checkUser(username, password, account));
  }

  /**
   * Sign-in with a password-equivalent hash (Kazoo's md5 or sha1 of "username:password") in a
   * named account. Users created before their keys were kept can once they have signed in
   * with their password (see keepCredentialKeys).
   */
  async credentialsLogin(hashHex: string, accountName: string): Promise<{ token: IssuedToken; user: User }> {
    const acc = (await this.store.findAccountByName(accountName)) ?? (await this.store.getAccount(accountName));
    const user = /^[0-9a-fA-F]{32,64}$/.test(hashHex) ? await this.store.findUserByCredentialKey(acc?.id ?? '', await credentialKey(hashHex, acc?.id ?? '')) : null;
    if (!acc || !user || user.disabledAt) throw unauthorized('invalid credentials');
    return { token: this.userToken(user), user };
  }

  private userToken(u: User): IssuedToken {
    return this.issue({
      sub: u.id, acc: u.accountId, typ: 'user', role: u.role, scope: ROLE_SCOPES[u.role].join(' '),
      ...(u.upn ? { upn: u.upn } : {}), ...(u.groups?.length ? { grp: u.groups } : {}), name: displayName(u),
    });
  }

  principalFromBearer(token: string): Principal {
    // A token verified once is remembered until it expires (revocation is still checked each time).
    const hit = this.bearerCache.get(token);
    if (hit && hit.until > Date.now() && this.keys.find(hit.kid)) {
      if (this.revocations.has(hit.principal.session!.jti)) throw unauthorized('The access token has been revoked');
      return hit.principal;
    }
    const claims = verifyToken(token, this.keys.find);
    if (this.revocations.has(claims.jti)) throw unauthorized('The access token has been revoked');
    const scopes = new Set(claims.scope.split(' ').filter(isScope));
    const principal: Principal = {
      kind: claims.typ, id: claims.sub, accountId: claims.acc, scopes,
      ...(claims.role ? { role: claims.role as Principal['role'] } : {}),
      ...(claims.upn ? { upn: claims.upn } : {}),
      ...(claims.grp ? { groups: claims.grp } : {}),
      ...(claims.name ? { name: claims.name } : {}),
      session: { jti: claims.jti, exp: claims.exp },
    };
    if (this.bearerCache.size >= 10_000) this.bearerCache.clear();
    this.bearerCache.set(token, { principal, until: claims.exp * 1000, kid: kidOf(token) });
    return principal;
  }

  private static basicKey(username: string, password: string): string {
    return createHash('sha256').update(`${username}\0${password}`).digest('hex');
  }

  /** The principal of Basic credentials verified within the last minute, or null (then check them, throttled). */
  cachedBasic(username: string, password: string): Principal | null {
    const hit = this.basicCache.get(AuthService.basicKey(username, password));
    return hit && hit.until > Date.now() ? hit.principal : null;
  }

  /** HTTP Basic with a user's credentials (some recording APIs use it instead of tokens). */
  async principalFromBasic(username: string, password: string): Promise<Principal> {
    const key = AuthService.basicKey(username, password);
    const hit = this.basicCache.get(key);
    if (hit && hit.until > Date.now()) return hit.principal;
    const u = await this.checkUser(username, password);
    const principal: Principal = {
      kind: 'user', id: u.id, accountId: u.accountId, role: u.role, scopes: new Set(ROLE_SCOPES[u.role]),
      ...(u.upn ? { upn: u.upn } : {}), ...(u.groups?.length ? { groups: u.groups } : {}), name: displayName(u),
    };
    if (this.basicCache.size > 10_000) this.basicCache.clear();
    this.basicCache.set(key, { principal, until: Date.now() + BASIC_CACHE_MS });
    return principal;
  }

  async logout(p: Principal): Promise<void> {
    if (!p.session) throw invalid('only a bearer token can be logged out');
    await this.revocations.revoke(p.session.jti, p.accountId, p.session.exp * 1000);
  }
}
