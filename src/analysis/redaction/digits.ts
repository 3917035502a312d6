/**
 * Numbers as people say them on the phone, turned into digit strings: "four one one one",
 * "oh nine", "double five", "triple seven", "forty one eleven", or written "4111-1111" and
 * "(555) 123-4567". Consecutive digit tokens of one speaker form a run; fillers ("uh", "dash")
 * may sit inside a run, anything else ends it, and so does a long pause.
 */
import { endsClause, type Token } from './tokens.js';

const ONES: Record<string, string> = {
  zero: '0', oh: '0', o: '0', nought: '0', naught: '0', one: '1', two: '2', three: '3', four: '4', five: '5',
  six: '6', seven: '7', eight: '8', nine: '9', niner: '9',
};
const TEENS: Record<string, string> = {
  ten: '10', eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16',
  seventeen: '17', eighteen: '18', nineteen: '19',
};
const TENS: Record<string, string> = {
  twenty: '2', thirty: '3', forty: '4', fourty: '4', fifty: '5', sixty: '6', seventy: '7', eighty: '8', ninety: '9',
};
/**
 * Words a recogniser writes for a digit it heard ("four three to four"): read as digits only
 * between two digits of a run, where the word itself would make no sense.
 */
const HOMOPHONES: Record<string, string> = { to: '2', too: '2', for: '4', fore: '4', won: '1', ate: '8' };
const REPEAT: Record<string, number> = { double: 2, triple: 3, treble: 3 };
// Not "and": it joins separate numbers ("2019 and 2021") far more often than groups of one.
const FILLERS = new Set(['uh', 'um', 'uhm', 'umm', 'er', 'erm', 'ah', 'hmm', 'mm', 'dash', 'hyphen', 'space', 'slash']);
const MONTHS: Record<string, string> = {
  january: '01', jan: '01', february: '02', feb: '02', march: '03', april: '04', apr: '04', may: '05', june: '06',
  jun: '06', july: '07', jul: '07', august: '08', aug: '08', september: '09', sept: '09', sep: '09',
  october: '10', oct: '10', november: '11', nov: '11', december: '12', dec: '12',
};

/** Longest silence inside one spoken number; people pause between groups, not for this long. */
export const MAX_GAP_MS = 3000;

export interface DigitItem {
  digits: string;
  /** Global token indices the item covers. */
  tokens: number[];
  written: boolean;
  /** Written with a leading "+" or said "plus": an international phone number. */
  plus: boolean;
  /** A month name (only meaningful at the start of an expiry). */
  month: boolean;
  /** The written form, for pattern checks such as 123-45-6789. */
  norm: string;
}

export type Run = DigitItem[];

type Kind = 'ones' | 'teen' | 'tens' | 'repeat' | 'written' | 'filler' | 'month' | 'plus' | 'other';

function kindOf(norm: string): Kind {
  if (norm in ONES) return 'ones';
  if (norm in TEENS) return 'teen';
  if (norm in TENS) return 'tens';
  if (norm in REPEAT) return 'repeat';
  if (FILLERS.has(norm)) return 'filler';
  if (norm in MONTHS) return 'month';
  if (norm === 'plus') return 'plus';
  if (isWrittenDigits(norm)) return 'written';
  return 'other';
}

/**
 * Written digit groups, excluding what reads as money, a decimal, a percentage or a date
 * ("$49.99", "1,250", "12%", "09/26"): those are not parts of card or phone numbers.
 */
export function isWrittenDigits(norm: string): boolean {
  if (!/^\+?[\d().-]*\d[\d().-]*$/.test(norm)) return false;
  if (/\d\.\d{1,2}$/.test(norm) && (norm.match(/\./g) ?? []).length === 1) return false;
  return true;
}

/** A written date such as 09/26 or 9/2026 (an expiry when said near "expiry"). */
export const isSlashDate = (norm: string): boolean => /^(0?[1-9]|1[0-2])\s*\/\s*(\d{2}|20\d{2})$/.test(norm);

/**
 * Splits one speaker's tokens into digit runs. Hyphenated forms ("forty-one", "four-one-one")
 * count as one token. `interrupted(prevGi, gi)` says whether someone else said something between
 * two of this speaker's tokens (a question ends the answer before it; a "mm-hmm" does not).
 */
export function digitRuns(tokens: readonly Token[], interrupted: (prevGi: number, gi: number) => boolean = () => false): Run[] {
  const runs: Run[] = [];
  let run: Run = [];
  let lastEnd = -Infinity;
  let lastGi = -1;
  const close = () => {
    const trimmed = trimOhs(run);
    if (trimmed.length > 0) runs.push(trimmed);
    run = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (run.length > 0 && (tok.startMs - lastEnd > MAX_GAP_MS || interrupted(lastGi, tok.gi))) close();
    const parsed = parseToken(tokens, i) ?? homophone(tokens, i, run.length > 0);
    if (!parsed) {
      if (kindOf(tok.norm) === 'filler' && run.length > 0) continue;
      close();
      continue;
    }
    if (parsed.item.month) close();
    run.push(parsed.item);
    i += parsed.consumed - 1;
    lastEnd = tokens[i]!.endMs;
    lastGi = tokens[i]!.gi;
  }
  close();
  return runs.filter((r) => !(r.length === 1 && r[0]!.month));
}

/** One digit item starting at tokens[i], and how many tokens it used; undefined if none starts here. */
function parseToken(tokens: readonly Token[], i: number): { item: DigitItem; consumed: number } | undefined {
  const tok = tokens[i]!;
  const item = (digits: string, used: number, extra: Partial<DigitItem> = {}) => ({
    item: {
      digits, tokens: tokens.slice(i, i + used).map((t) => t.gi), written: false, plus: false, month: false, norm: tok.norm, ...extra,
    },
    consumed: used,
  });
  const parts = tok.norm.split('-');
  if (parts.length > 1 && parts.every((p) => p in ONES || p in TEENS || p in TENS)) {
    const spoken = spokenDigits(parts);
    if (spoken !== undefined) return item(spoken, 1);
  }
  const kind = kindOf(tok.norm);
  const next = tokens[i + 1];
  const nextKind = next && !endsClause(tok.raw) ? kindOf(next.norm) : 'other';
  switch (kind) {
    case 'ones':
      // "Oh, ..." with a pause after it is an exclamation, not a zero.
      if ((tok.norm === 'oh' || tok.norm === 'o') && endsClause(tok.raw)) return undefined;
      return item(ONES[tok.norm]!, 1);
    case 'teen':
      return item(TEENS[tok.norm]!, 1);
    case 'tens':
      if (nextKind === 'ones' && ONES[next!.norm] !== '0') return item(TENS[tok.norm]! + ONES[next!.norm]!, 2);
      return item(`${TENS[tok.norm]!}0`, 1);
    case 'repeat':
      if (nextKind === 'ones') return item(ONES[next!.norm]!.repeat(REPEAT[tok.norm]!), 2);
      return undefined;
    case 'written':
      return item(tok.norm.replace(/\D/g, ''), 1, { written: true, plus: tok.norm.startsWith('+') });
    case 'plus':
      if (nextKind === 'ones' || nextKind === 'written' || nextKind === 'teen' || nextKind === 'tens') {
        const rest = parseToken(tokens, i + 1);
        if (rest) return { item: { ...rest.item, tokens: [tok.gi, ...rest.item.tokens], plus: true }, consumed: rest.consumed + 1 };
      }
      return undefined;
    case 'month':
      if (nextKind === 'ones' || nextKind === 'teen' || nextKind === 'tens' || nextKind === 'written') return item(MONTHS[tok.norm]!, 1, { month: true });
      return undefined;
    case 'filler':
    case 'other':
      return undefined;
  }
}

/** A digit homophone inside a run: the run is open and a spoken digit follows. */
function homophone(tokens: readonly Token[], i: number, inRun: boolean): { item: DigitItem; consumed: number } | undefined {
  const tok = tokens[i]!;
  const next = tokens[i + 1];
  if (!inRun || !(tok.norm in HOMOPHONES) || !next || endsClause(tok.raw) || kindOf(next.norm) !== 'ones') return undefined;
  return { item: { digits: HOMOPHONES[tok.norm]!, tokens: [tok.gi], written: false, plus: false, month: false, norm: tok.norm }, consumed: 1 };
}

function spokenDigits(parts: string[]): string | undefined {
  let out = '';
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (p in TENS) {
      const unit = parts[k + 1];
      if (unit !== undefined && unit in ONES && ONES[unit] !== '0') {
        out += TENS[p]! + ONES[unit]!;
        k++;
      } else out += `${TENS[p]!}0`;
    } else out += ONES[p] ?? TEENS[p] ?? '';
  }
  return out || undefined;
}

/** "Oh" and "o" are zeros only inside a number; at a run's edge with no neighbour they are words. */
function trimOhs(run: Run): Run {
  const isOh = (d: DigitItem) => !d.written && d.digits === '0' && d.tokens.length === 1 && ['oh', 'o'].includes(d.norm);
  let a = 0;
  let b = run.length;
  const digitsOf = (r: Run) => r.reduce((n, d) => n + d.digits.length, 0);
  // A lone "oh" or a run made only of "oh"s is an exclamation.
  if (run.every(isOh)) return [];
  while (a < b && isOh(run[a]!) && digitsOf(run.slice(a + 1, b)) < 2) a++;
  while (b > a && isOh(run[b - 1]!) && digitsOf(run.slice(a, b - 1)) < 2) b--;
  return run.slice(a, b);
}

export const runDigits = (run: Run): string => run.map((d) => d.digits).join('');

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}
