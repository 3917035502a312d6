/**
 * Sensitive data that is not a plain digit run: e-mail addresses (written, or spoken as
 * "john dot smith at example dot com"), UK National Insurance numbers (letters and digits, said
 * or written), and written expiry dates ("09/26") near an expiry word.
 */
import { isSlashDate } from './digits.js';
import { contextAround, hasContext, type Finding } from './numbers.js';
import type { Token } from './tokens.js';

const WRITTEN_EMAIL = /^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/;
const DOTS = new Set(['dot', 'period', 'point', '.']);
const LOCAL_SEPARATORS = new Set(['dot', 'period', 'point', 'underscore', 'dash', 'hyphen', '.', '_', '-']);
const TLDS = new Set([
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'io', 'co', 'uk', 'us', 'ca', 'au', 'nz', 'ie', 'de', 'fr', 'es', 'it',
  'nl', 'be', 'ch', 'at', 'se', 'no', 'dk', 'fi', 'pl', 'pt', 'in', 'jp', 'br', 'mx', 'za', 'info', 'biz', 'me', 'ai',
  'app', 'dev', 'tech', 'online', 'email', 'mail',
]);
/** Words before "at" that make it a preposition ("look at", "call me at"), not an address. */
const NOT_LOCAL = new Set(`look looks looked looking me us him her them it you that this there here is are was were be been
am arrive arrived arriving stay stayed staying work works worked working live lives lived living home office and or but
i we they she he not just only even met meet meeting go went going visit visited visiting shop shopped shopping buy bought
order ordered sign signed log logged check checked aim aimed laugh laughed smile smiled good great bad well best`.split(/\s+/));
const LABEL = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*$/;
const LOCAL_WORD = /^[a-z0-9][a-z0-9._+-]*$/;

/** E-mail addresses in one speaker's tokens. */
export function findEmails(tokens: readonly Token[]): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (WRITTEN_EMAIL.test(tok.norm)) {
      out.push({ kind: 'email', tokens: [tok.gi] });
      continue;
    }
    if (tok.norm !== 'at' && tok.norm !== '@') continue;
    const end = domainEnd(tokens, i + 1);
    if (end === undefined) continue;
    const start = localStart(tokens, i - 1);
    if (start === undefined) continue;
    out.push({ kind: 'email', tokens: tokens.slice(start, end + 1).map((t) => t.gi) });
    i = end;
  }
  return out;
}

/** Index of the last token of "example dot co dot uk" starting at i, ending on a known top-level domain. */
function domainEnd(tokens: readonly Token[], i: number): number | undefined {
  let labels = 0;
  let end: number | undefined;
  let expectLabel = true;
  for (let k = i; k < tokens.length && k < i + 12; k++) {
    const norm = tokens[k]!.norm;
    if (expectLabel) {
      if (!LABEL.test(norm)) break;
      const parts = norm.split('.');
      labels += parts.length;
      if (labels >= 2 && TLDS.has(parts[parts.length - 1]!)) end = k;
      expectLabel = false;
    } else if (DOTS.has(norm)) {
      expectLabel = true;
    } else break;
  }
  return end;
}

/** Index of the first token of "john dot smith" (or a spelled "j o h n") ending at i. */
function localStart(tokens: readonly Token[], i: number): number | undefined {
  const first = tokens[i];
  if (!first || !LOCAL_WORD.test(first.norm) || NOT_LOCAL.has(first.norm) || LOCAL_SEPARATORS.has(first.norm)) return undefined;
  let start = i;
  for (;;) {
    const sep = tokens[start - 1];
    const word = tokens[start - 2];
    if (sep && word && LOCAL_SEPARATORS.has(sep.norm) && LOCAL_WORD.test(word.norm) && !LOCAL_SEPARATORS.has(word.norm)) {
      start -= 2;
      continue;
    }
    // Letters spelled one by one before the address word belong to it.
    if (sep && sep.norm.length === 1 && /[a-z0-9]/.test(sep.norm) && tokens[start]!.norm.length === 1) {
      start -= 1;
      continue;
    }
    return start;
  }
}

const NI_SPOKEN: Record<string, string> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};
/** HMRC's format: two prefix letters (some never used), six digits, a suffix A–D. */
const NI = /^(?!bg|gb|nk|kn|tn|nt|zz)[a-ceghj-prstw-z][a-ceghj-nprstw-z]\d{6}[a-d]$/;

/** UK National Insurance numbers, written ("QQ 12 34 56 C" in any grouping) or spelled out. */
export function findNiNumbers(tokens: readonly Token[]): Finding[] {
  const out: Finding[] = [];
  const chunk = (t: Token): string | undefined => {
    if (/^[a-z0-9]+$/.test(t.norm) && (t.norm.length === 1 || /\d/.test(t.norm) || t.norm.length === 2)) return t.norm;
    return NI_SPOKEN[t.norm];
  };
  for (let i = 0; i < tokens.length; i++) {
    let s = '';
    for (let k = i; k < tokens.length && k < i + 12; k++) {
      const c = chunk(tokens[k]!);
      if (c === undefined) break;
      s += c;
      if (s.length > 9) break;
      if (s.length === 9 && NI.test(s)) {
        out.push({ kind: 'nationalId', tokens: tokens.slice(i, k + 1).map((t) => t.gi) });
        i = k;
        break;
      }
    }
  }
  return out;
}

/** Written "09/26" said near an expiry word. */
export function findSlashExpiries(all: readonly Token[]): Finding[] {
  const out: Finding[] = [];
  for (const tok of all) {
    if (isSlashDate(tok.norm) && hasContext(contextAround(all, tok.gi, tok.gi), 'expiry')) out.push({ kind: 'expiry', tokens: [tok.gi] });
  }
  return out;
}
