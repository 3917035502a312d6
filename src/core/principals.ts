/** Who can act: accounts (tenants), API clients and users. */

export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['recordings:read', 'recordings:write', 'recordings:delete', 'media:read', 'transcripts:read', 'originals:read', 'exports', 'logs:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Scopes a client gets when none are named at creation. */
/**
 * What an API client gets unless its creator says otherwise. Integrations read recordings as
 * they were made (originals:read), as the products whose APIs callvault speaks serve them;
 * redaction is for people (agent and supervisor roles). An admin narrows a client with --scopes.
 */
export const DEFAULT_CLIENT_SCOPES: Scope[] = ['recordings:read', 'recordings:write', 'recordings:delete', 'media:read', 'transcripts:read', 'originals:read'];

export interface Account { id: string; name: string; settings: Record<string, unknown>; createdAt: string }

export interface ApiClient {
  id: string;
  accountId: string;
  name: string;
  /** scrypt hash of the secret; the secret itself is shown once and never stored. */
  secretHash: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt?: string;
}

export interface User {
  id: string;
  accountId: string;
  username: string;
  passwordHash: string;
  role: Role;
  /** User principal name (e-mail-like); matched against recording parties' `upn`. */
  upn?: string;
  firstName?: string;
  lastName?: string;
  phoneNumbers?: string[];
  extensions?: string[];
  sipUri?: string;
  groups?: string[];
  createdAt: string;
  disabledAt?: string;
  /** Lookup keys of password-equivalent hashes (see auth/secrets.ts credentialKey); kept apart from the user's document. */
  credentialKeys?: string[];
}

/** What each role may do; a user's token carries exactly these scopes. */
export const ROLE_SCOPES: Record<Role, Scope[]> = {
  admin: [...SCOPES],
  supervisor: ['recordings:read', 'recordings:write', 'recordings:delete', 'media:read', 'transcripts:read', 'exports'],
  agent: ['recordings:read', 'recordings:write', 'media:read', 'transcripts:read'],
};

/** The authenticated caller of a request, as the core sees it. */
export interface Principal {
  kind: 'client' | 'user';
  id: string;
  accountId: string;
  scopes: ReadonlySet<Scope>;
  role?: Role;
  /** For users: the upn and groups that decide which recordings they see. */
  upn?: string;
  groups?: readonly string[];
  /** Display name for audit entries. */
  name?: string;
  /** The bearer token this principal came with (for logout). */
  session?: { jti: string; exp: number };
}

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}
