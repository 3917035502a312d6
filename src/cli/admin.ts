import type { Config } from '../config/index.js';
import { invalid, notFound } from '../core/errors.js';
import { DEFAULT_CLIENT_SCOPES, ROLES, isScope, type Role, type Scope } from '../core/principals.js';
import { hashSecret, newId, newSecret, passwordEquivalentKeys } from '../auth/secrets.js';
import { openStore, type MetadataStore } from '../store/index.js';
import { openKeyRing } from '../context.js';
import { runAuditAdmin } from './audit.js';
import { recordSystemEvent } from '../audit/index.js';
import type { KeyRing } from '../blobs/index.js';
import { SigningKeys } from '../auth/signing-keys.js';

type Flags = Record<string, string | boolean | undefined>;
type Out = (o: Record<string, unknown>, human: string) => void;

async function withStore<T>(config: Config, fn: (s: MetadataStore) => Promise<T>): Promise<T> {
  const store = await openStore(config.database);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function accountByName(store: MetadataStore, name: unknown) {
  if (typeof name !== 'string' || !name) throw invalid('--account NAME is required');
  const acc = await store.findAccountByName(name);
  if (!acc) throw notFound(`account ${JSON.stringify(name)}`);
  return acc;
}

const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

/** Rewraps every data key and token signing key not yet under `keyId`; returns how many. */
async function rewrapAll(s: MetadataStore, ring: KeyRing, keyId: string): Promise<number> {
  let n = 0;
  for (;;) {
    const batch = await s.keysNotUnder(keyId, 500);
    if (batch.length === 0) break;
    for (const k of batch) {
      const w = ring.wrap(ring.unwrap(k.wrappedKey, k.keyId));
      await s.setWrappedKey(k.recordingSeq, k.mediaId, k.keyId, w.wrappedKey, w.keyId);
      n++;
    }
  }
  for (const k of await s.listSigningKeys()) {
    if (k.keyId === keyId) continue;
    const w = ring.wrap(ring.unwrap(k.wrappedKey, k.keyId));
    await s.rewrapSigningKey(k.kid, k.keyId, w.wrappedKey, w.keyId);
    n++;
  }
  return n;
}

/** `callvault admin …`: works on the data folder directly, with or without a running server. */
export async function runAdmin(args: string[], flags: Flags, config: Config, out: Out, log: { warn(m: string): void; info(m: string): void }): Promise<void> {
  const [noun, verb, ...rest] = args;
  const now = new Date().toISOString();
  switch (`${noun} ${verb}`) {
    case 'account create': {
      const name = rest[0] ?? flags.name;
      if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name)) throw invalid('account NAME (1-64 letters, digits, space . _ -) is required');
      const account = { id: newId('acc', 10), name, settings: {}, createdAt: now };
      await withStore(config, (s) => s.createAccount(account));
      out({ account_id: account.id, name }, `Created account ${name} (${account.id})`);
      return;
    }
    case 'client create': {
      const scopes = typeof flags.scopes === 'string' ? flags.scopes.split(/[\s,]+/).filter(Boolean) : DEFAULT_CLIENT_SCOPES;
      const unknown = scopes.filter((s) => !isScope(s));
      if (unknown.length) throw invalid(`unknown scope(s): ${unknown.join(', ')}`);
      const secret = newSecret();
      const client = {
        id: newId('cli', 10), accountId: '', name: typeof flags.name === 'string' ? flags.name : 'api client',
        secretHash: await hashSecret(secret), scopes: scopes as Scope[], createdAt: now,
      };
      await withStore(config, async (s) => {
        client.accountId = (await accountByName(s, flags.account)).id;
        await s.createClient(client);
      });
      // Kazoo clients sign in with one API key: the id and secret joined by a dot (PUT /v2/api_auth).
      out({ account_id: client.accountId, client_id: client.id, client_secret: secret, api_key: `${client.id}.${secret}` },
        `Client ${client.id} created with scopes ${client.scopes.join(' ')}.\nSecret (shown once, store it now): ${secret}\nKazoo API key: ${client.id}.${secret}`);
      return;
    }
    case 'user create': {
      const { username, password, role } = flags;
      if (typeof username !== 'string' || !/^[^\s:]{1,128}$/.test(username)) throw invalid('--username U is required (no spaces or colons)');
      if (typeof password !== 'string' || password.length < 8) throw invalid('--password P of at least 8 characters is required');
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw invalid(`--role must be one of ${ROLES.join(', ')}`);
      const user = {
        id: newId('usr', 10), accountId: '', username, passwordHash: await hashSecret(password), role: role as Role, createdAt: now,
        ...(typeof flags['first-name'] === 'string' ? { firstName: flags['first-name'] } : {}),
        ...(typeof flags['last-name'] === 'string' ? { lastName: flags['last-name'] } : {}),
        ...(typeof flags.upn === 'string' ? { upn: flags.upn } : {}),
        ...(typeof flags['sip-uri'] === 'string' ? { sipUri: flags['sip-uri'] } : {}),
        ...(typeof flags.groups === 'string' ? { groups: list(flags.groups) } : {}),
        ...(typeof flags.phone === 'string' ? { phoneNumbers: list(flags.phone) } : {}),
        ...(typeof flags.extension === 'string' ? { extensions: list(flags.extension) } : {}),
      };
      await withStore(config, async (s) => {
        user.accountId = (await accountByName(s, flags.account)).id;
        await s.createUser({ ...user, credentialKeys: await passwordEquivalentKeys(username, password, user.accountId) });
      });
      out({ account_id: user.accountId, user_id: user.id, username, role }, `Created ${role} ${username} (${user.id})`);
      return;
    }
    case 'keys rotate':
    case 'keys rewrap': {
      if (config.masterKey.kind === 'env') throw invalid('the master key comes from CALLVAULT_MASTER_KEY: rotation needs a keyring file (CALLVAULT_MASTER_KEY_FILE)');
      const ring = await openKeyRing(config, log);
      const keyId = verb === 'rotate' ? await ring.rotate() : ring.currentId;
      const rewrapped = await withStore(config, (s) => rewrapAll(s, ring, keyId));
      await recordSystemEvent(config, 'info', 'configuration', `Master key ${verb === 'rotate' ? 'rotated' : 'rewrap'}: ${keyId} is current; ${rewrapped} key(s) rewrapped under it`, { keyId, rewrapped });
      out({ key_id: keyId, rewrapped }, `Master key ${keyId} is current; ${rewrapped} key(s) rewrapped under it (media bytes untouched).`);
      return;
    }
    case 'signing-keys rotate':
    case 'signing-keys list': {
      const ring = await openKeyRing(config, log);
      const result = await withStore(config, async (s) => {
        const keys = new SigningKeys(s, ring);
        await keys.load();
        if (verb === 'list') return { keys: keys.list() };
        const r = await keys.rotate(flags['drop-old'] ? { dropOlderThanMs: 0 } : {});
        return { ...r, keys: keys.list() };
      });
      if (verb === 'list') {
        out(result, result.keys.map((k) => `${k.kid}  created ${new Date(k.createdAt).toISOString()}${k.signing ? '  (signing)' : ''}`).join('\n'));
        return;
      }
      const r = result as Awaited<ReturnType<SigningKeys['rotate']>> & typeof result;
      await recordSystemEvent(config, 'info', 'configuration', `Token signing key ${r.kid} added; it signs from ${new Date(r.activatesAt).toISOString()}`
        + (r.dropped.length ? `; removed ${r.dropped.join(', ')} (tokens they signed no longer work)` : ''), { kid: r.kid, dropped: r.dropped });
      out({ kid: r.kid, activates_at: new Date(r.activatesAt).toISOString(), dropped: r.dropped },
        `Signing key ${r.kid} added; running servers load it within 5 s and sign with it from ${new Date(r.activatesAt).toISOString()}.`
        + (r.dropped.length ? ` Removed ${r.dropped.length} older key(s): tokens they signed stop working within 5 s.` : ' Older keys keep verifying until removed (--drop-old).'));
      return;
    }
    case 'audit verify': {
      const code = await runAuditAdmin([verb!, ...rest], config, out, flags);
      if (code !== 0) process.exitCode = code;
      return;
    }
    default:
      throw invalid(`unknown admin command '${[noun, verb].filter(Boolean).join(' ')}'. Try: account create, client create, user create, keys rotate, keys rewrap, signing-keys rotate [--drop-old], signing-keys list, audit verify`);
  }
}
