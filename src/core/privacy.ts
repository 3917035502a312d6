import { ErrorCode, VaultError } from './errors.js';
import type { Principal } from './principals.js';
import type { RecordingFilter } from './query.js';

/**
 * Privacy masking (the Genesys "metadata.privacy.*_fields" settings): per account, named
 * metadata fields are shown as "*****" to supervisors (never to admins, API clients or the
 * agents on the call), and a search on a masked field is refused with 403 — otherwise the
 * search itself would reveal what the mask hides.
 *
 * A name is either a key, masked wherever it appears in the answer (`phoneNumber`,
 * `GSIP_RECORD`), or a dotted path from the top (`calling.phoneNumber`). Each door renders
 * its own field names, so a door masks its rendered answer with its own vocabulary; the
 * native names of other APIs' fields are expanded here.
 */
export interface PrivacySettings { agentFields: string[]; customerFields: string[] }

export const MASK = '*****';

/** Other APIs' names for native fields, so one setting masks the same thing in every door. */
const NATIVE_ALIASES: Record<string, string[]> = {
  callerPhoneNumber: ['calling.phoneNumber'],
  ani: ['calling.phoneNumber'],
  dialedPhoneNumber: ['called.phoneNumber'],
  dnis: ['called.phoneNumber'],
  userName: ['upn', 'displayName'],
  username: ['upn', 'displayName'],
  firstName: ['displayName'],
  lastName: ['displayName'],
};

export function privacyOf(settings: Record<string, unknown> | undefined): PrivacySettings {
  const p = (settings?.privacy ?? {}) as Partial<PrivacySettings>;
  return { agentFields: Array.isArray(p.agentFields) ? p.agentFields : [], customerFields: Array.isArray(p.customerFields) ? p.customerFields : [] };
}

/** The names masked for this caller, or null when nothing is masked for them. */
export function masksFor(p: Principal, settings: PrivacySettings): Set<string> | null {
  if (p.kind !== 'user' || p.role !== 'supervisor') return null;
  const names = [...settings.agentFields, ...settings.customerFields];
  return names.length ? new Set(names) : null;
}

export function nativeMasks(names: Set<string>): Set<string> {
  const out = new Set(names);
  for (const n of names) for (const a of NATIVE_ALIASES[n] ?? []) out.add(a);
  return out;
}

/** A copy of `value` with every masked key (anywhere) or path (from the top) replaced by "*****". */
export function maskDeep<T>(value: T, masks: Set<string>, path = ''): T {
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, masks, path)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${k}` : k;
    out[k] = (masks.has(k) || masks.has(here)) && v !== undefined && (typeof v !== 'object' || v === null) ? MASK : maskDeep(v, masks, here);
  }
  return out as T;
}

/** A search on a masked field (details.masked, so a door can tell it from a missing permission). */
const forbidden = (message: string) => new VaultError(ErrorCode.INSUFFICIENT_PERMISSIONS, message, { details: { masked: true } });

/** Names of party fields (native and the doors'): a mask naming none of these may be a user-data key. */
const PARTY_FIELDS = new Set([
  'id', 'upn', 'displayName', 'phoneNumber', 'sipUri', 'extension', 'oid', 'kind', 'userName', 'username', 'firstName', 'lastName',
  'callerPhoneNumber', 'dialedPhoneNumber', 'ani', 'dnis', 'agentId', 'recordDN', 'caller_id', 'cnam', 'fullName', 'azureOid', 'userGlobalId',
]);

/** Native filters that search masked fields: refused, so a search cannot reveal a mask. */
export function assertSearchAllowed(filter: RecordingFilter, masks: Set<string>, self: string[] = []): void {
  const phone = ['phoneNumber', 'calling.phoneNumber', 'called.phoneNumber'].some((m) => masks.has(m));
  const user = ['upn', 'displayName', 'id'].some((m) => masks.has(m));
  // Asking for one's own recordings reveals nothing the caller does not know.
  const own = new Set(self.filter(Boolean).map((s) => s.toLowerCase()));
  const others = filter.user?.filter((u) => !own.has(u.toLowerCase())) ?? [];
  if (filter.phone?.length && phone) throw forbidden("searching by 'phone' is not allowed: phone numbers are masked for your role");
  if (others.length && user) throw forbidden("searching by 'user' is not allowed: user names are masked for your role");
  if (filter.extension?.length && masks.has('extension')) throw forbidden("searching by 'extension' is not allowed: extensions are masked for your role");
  if (filter.names?.length && user) throw forbidden("searching by user name is not allowed: user names are masked for your role");
  // Masks also name user-data keys (`GSIP_RECORD`): any mask that is not a party field may be one,
  // and a search over user-data values would confirm a masked value.
  if (filter.userData?.length && (masks.has('userData') || [...masks].some((m) => !m.includes('.') && !PARTY_FIELDS.has(m)))) {
    throw forbidden("searching by user data is not allowed: user data is masked for your role");
  }
  if (filter.queueName?.length && masks.has('queueName')) throw forbidden("searching by queue is not allowed: queue names are masked for your role");
  // Doors show a party without a phone number by its extension, and these filters match it there.
  const number = phone || masks.has('extension');
  for (const pf of filter.parties ?? []) {
    if (((pf.phone?.length && phone) || ((pf.phonePattern?.length || pf.number?.length) && number)) || ((pf.user?.length || pf.name?.length) && user)
      || (pf.any?.length && (number || user))) {
      throw forbidden('searching by a masked party field is not allowed for your role');
    }
  }
}

/** The party fields a speaker's name is taken from (see transcripts/speakers.ts). */
const NAME_FIELDS = new Set(['displayName', 'upn', 'phoneNumber', 'extension', 'sipUri']);

/** Whether these masks hide any field a transcript names its speakers from: then speakers go by role. */
export function hidesSpeakerNames(masks: Set<string>): boolean {
  for (const m of nativeMasks(masks)) if (NAME_FIELDS.has(m.split('.').at(-1)!)) return true;
  return false;
}

/** A speaker's name when the party's own fields are masked: the role it speaks for. */
export function roleLabel(role: string | undefined): string {
  if (!role || role === 'mixed') return 'Speaker';
  return role.charAt(0).toUpperCase() + role.slice(1);
}
