import { hash } from 'node:crypto';
import type { AuditEntry } from './model.js';

/** What the first entry of every account's chain points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the serialisation ever changes; it starts every hashed text. */
const FORMAT = 'callvault-audit-1';

/** Field separator. Recorded text never contains control characters (they become spaces), so it cannot be forged inside a field. */
const US = '\x1f';

/** Columns that may be NULL: written as '' plus a flag in the null mask, so NULL and '' differ. */
const NULLABLE = ['principal_id', 'principal_name', 'ip', 'request_id', 'object_id'] as const;

/** Fields in the canonical text, so separators = FIELDS - 1. */
const FIELDS = 16;

const CONTROL = /[\x00-\x1f\x7f]/g; // eslint-disable-line no-control-regex

/** Makes a recorded string safe for the canonical form (and for every database): control characters become spaces. */
export function cleanText(s: string): string {
  return s.replace(CONTROL, ' ');
}

/**
 * The canonical text of an entry, without FORMAT: account, seq, id, time, item, action,
 * outcome, principal id, kind and name, description, ip, request id, object id, the null
 * mask of the nullable fields, and prevHash — joined by U+001F. The database can build the
 * very same text from the stored columns (CANONICAL_SQL), which is what makes verifying a
 * million entries fast: one string per row instead of sixteen.
 */
export function canonicalText(e: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>, seq: number, prevHash: string): string {
  const flag = (v: string | null) => (v === null ? '1' : '0');
  const nullMask = flag(e.principalId) + flag(e.principalName) + flag(e.ip) + flag(e.requestId) + flag(e.objectId);
  const text = e.accountId + US + seq + US + e.id + US + e.at + US + e.item + US + e.action + US + e.outcome + US
    + (e.principalId ?? '') + US + e.principalKind + US + (e.principalName ?? '') + US + e.description + US + (e.ip ?? '') + US
    + (e.requestId ?? '') + US + (e.objectId ?? '') + US + nullMask + US + prevHash;
  if (!wellFormed(text)) throw new Error('audit entry fields must not contain control characters');
  return text;
}

/** The same text, computed by the database from audit_log's columns (valid on SQLite and PostgreSQL). */
export const CANONICAL_SQL = [
  'account_id', 'CAST(seq AS TEXT)', 'id', 'CAST(at AS TEXT)', 'item', 'action', 'outcome', "COALESCE(principal_id, '')", 'principal_kind',
  "COALESCE(principal_name, '')", 'description', "COALESCE(ip, '')", "COALESCE(request_id, '')", "COALESCE(object_id, '')",
  NULLABLE.map((c) => `CASE WHEN ${c} IS NULL THEN '1' ELSE '0' END`).join(' || '), 'prev_hash',
].join(` || '${US}' || `);

/** True when the text has exactly the expected number of fields (no separator smuggled into one). */
export function wellFormed(text: string): boolean {
  let seps = 0;
  for (let i = text.indexOf(US); i >= 0; i = text.indexOf(US, i + 1)) seps++;
  return seps === FIELDS - 1;
}

/** SHA-256 (hex) over FORMAT and the canonical text; the text ends with prevHash, which links the chain. */
export function hashCanonical(text: string): string {
  return hash('sha256', `${FORMAT}${US}${text}`, 'hex');
}

/** The hash of an entry at position `seq` after an entry hashed `prevHash`. */
export function entryHash(e: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>, seq: number, prevHash: string): string {
  return hashCanonical(canonicalText(e, seq, prevHash));
}

/** Whether a canonical text ends with the given previous hash. */
export function linksTo(text: string, prevHash: string): boolean {
  return text.endsWith(`${US}${prevHash}`);
}
