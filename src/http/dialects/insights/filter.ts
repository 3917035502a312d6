/**
 * The Interaction Insights `filter` parameter (section 1.2.4.1): one expression in parentheses,
 * `(<key>=<value>,<key>=<v1>;<v2>)`. Where the document is silent:
 *   - Whitespace around keys, values and separators is ignored (the document's own examples
 *     break lines inside the parentheses and write `u= user1`).
 *   - A value may be wrapped in double quotes (`description="viewed"`); inside quotes commas and
 *     semicolons are literal and `\"` is a quote. A quote that is never closed is refused.
 *   - Keys are matched without regard to letter case; an unknown key, a key given twice, a
 *     criterion without '=' or a missing parenthesis is refused (INVALID_REQUEST), never ignored.
 *   - Empty criteria (a trailing comma) are skipped; `()` means no criteria.
 */
import { invalid } from '../../../core/errors.js';

export interface Criterion {
  /** The key as the caller wrote it. */
  key: string;
  /** The value as written (quotes included), for keys with their own syntax (`text`). */
  raw: string;
  /** The value split at unquoted semicolons, trimmed and unquoted; empty items dropped. */
  values: string[];
}

const fail = (message: string) => invalid(`filter: ${message}`, { field: 'filter' });

/** Splits `s` at `sep` where it is not inside double quotes; checks quotes are closed. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted) { i++; continue; }
    if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) { parts.push(s.slice(start, i)); start = i + 1; }
  }
  if (quoted) throw fail('a quoted value is never closed');
  parts.push(s.slice(start));
  return parts;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

/**
 * Parses a filter into criteria keyed by lower-cased key. `allowed` lists the keys the
 * endpoint documents (any letter case); others are refused with the list of allowed ones.
 */
export function parseFilter(filter: string | undefined, allowed: readonly string[]): Map<string, Criterion> {
  const out = new Map<string, Criterion>();
  if (filter === undefined) return out;
  const text = filter.trim();
  if (text === '') return out;
  if (!text.startsWith('(') || !text.endsWith(')')) throw fail('wrap the criteria in parentheses, like (from=2026-01-01T00:00:00Z,to=2026-01-02T00:00:00Z)');
  const byLower = new Map(allowed.map((k) => [k.toLowerCase(), k]));
  for (const part of splitOutsideQuotes(text.slice(1, -1), ',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw fail(`'${part.trim()}' is not a key=value criterion`);
    const key = part.slice(0, eq).trim();
    const lower = key.toLowerCase();
    if (!byLower.has(lower)) throw fail(`unknown key '${key}'; this endpoint filters by ${allowed.join(', ')}`);
    if (out.has(lower)) throw fail(`the key '${key}' is given more than once; list several values with ';'`);
    const raw = part.slice(eq + 1).trim();
    const values = splitOutsideQuotes(raw, ';').map(unquote).filter((v) => v !== '');
    if (values.length === 0) throw fail(`the key '${key}' has no value`);
    out.set(lower, { key, raw, values });
  }
  return out;
}

/**
 * Maps enum values written in any of the document's spellings ("Failed Exceeded",
 * "failedExceeded", "Video&Sharing", "pstN_p2p") onto canonical values: compared in lower case
 * without spaces, underscores, hyphens or ampersands.
 */
export function enumValues<T extends string>(c: Criterion | undefined, table: Record<string, T | T[]>): T[] | undefined {
  if (!c) return undefined;
  const out: T[] = [];
  for (const v of c.values) {
    const hit = table[v.toLowerCase().replace(/[\s_&-]+/g, '')];
    if (hit === undefined) {
      throw fail(`'${v}' is not a value of '${c.key}'; use one of ${Object.keys(table).join(', ')}`);
    }
    out.push(...(Array.isArray(hit) ? hit : [hit]));
  }
  return [...new Set(out)];
}

/** A lookup table from the compacted spelling of each canonical value to itself. */
export function compactTable<T extends string>(values: readonly T[], extra: Record<string, T | T[]> = {}): Record<string, T | T[]> {
  const table: Record<string, T | T[]> = {};
  for (const v of values) table[v.toLowerCase().replace(/[\s_&-]+/g, '')] = v;
  return { ...table, ...extra };
}
