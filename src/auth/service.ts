import { unauthorized } from '../core/errors.js';
import { isScope, type Principal, type Scope } from '../core/principals.js';
import type { MetadataStore } from '../store/port.js';
import { verifySecret } from './secrets.js';
import type { SigningKeys } from './signing-keys.js';
import { signToken, verifyToken } from './tokens.js';

export interface IssuedToken { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }

// A hash to compare against when the client does not exist, so timing does not reveal which ids exist.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Client-credentials login and bearer-token checks. */
export class AuthService {
  constructor(private readonly store: MetadataStore, private readonly keys: SigningKeys, private readonly ttlSeconds: number) {}

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
    const { token } = signToken({ sub: client.id, acc: client.accountId, typ: 'client', scope: scopes.join(' ') }, this.keys.current(), this.ttlSeconds);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds, scope: scopes.join(' ') };
  }

  principalFromBearer(token: string): Principal {
    const claims = verifyToken(token, this.keys.find);
    const scopes = new Set(claims.scope.split(' ').filter(isScope));
    return { kind: claims.typ, id: claims.sub, accountId: claims.acc, scopes, ...(claims.role ? { role: claims.role as Principal['role'] } : {}) };
  }
}
