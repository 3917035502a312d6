/**
 * What a run of digits is, from its length, its checksum and the words said around it (by
 * either party: the agent asks "and the expiry date?", the customer answers "oh nine twenty
 * six"). When several context words are near, the closest one decides. Runs that match nothing
 * (amounts, order numbers, dates away from expiry words) are left alone.
 */
import type { RedactionSpan } from '../../transcripts/model.js';
import { luhnValid, runDigits, type DigitItem, type Run } from './digits.js';
import type { Token } from './tokens.js';

export interface Finding {
  kind: RedactionSpan['kind'];
  /** Global token indices. */
  tokens: number[];
}

const CONTEXT = {
  card: /\b(card|visa|mastercard|master card|amex|american express|discover|debit|credit|long number)\b/g,
  cvv: /\b(cvv|cvc|cv2|c v v|c v c|cvv2|security (code|number|digits)|verification (code|number|value)|(three|four|3|4) digit|on the back|pin)\b/g,
  expiry: /\b(expiry|expires|expire|expiring|expiration|exp|valid (through|thru|until|till|to)|good (through|thru)|end date)\b/g,
  ssn: /\b(social security|ssn|social)\b/g,
  phone: /\b(phone|telephone|mobile|cell|cellphone|landline|contact number|callback|call back|call (you|me) (on|at)|reach (you|me) (on|at)|extension|fax)\b/g,
  ref: /\b(order|reference|ref|ticket|case|invoice|tracking|confirmation|account|policy|customer|member|membership|booking|claim|serial|model|item|product|sku|transaction|receipt|postcode|zip)\b/g,
};
export type ContextKind = keyof typeof CONTEXT;

/** Words that far before a run (and within this time) can explain it. */
const BEFORE_TOKENS = 25;
const BEFORE_MS = 30_000;
const AFTER_TOKENS = 6;

export interface Context {
  before: string;
  after: string;
}

export function contextAround(all: readonly Token[], firstGi: number, lastGi: number): Context {
  const first = all[firstGi]!;
  const before: string[] = [];
  for (let k = firstGi - 1; k >= 0 && before.length < BEFORE_TOKENS; k--) {
    if (all[k]!.startMs < first.startMs - BEFORE_MS) break;
    before.unshift(all[k]!.norm);
  }
  const after = all.slice(lastGi + 1, lastGi + 1 + AFTER_TOKENS).map((t) => t.norm);
  return { before: before.join(' '), after: after.join(' ') };
}

/** Distance in characters from the run to the closest context word of this kind, or Infinity. */
function distance(ctx: Context, kind: ContextKind): number {
  let best = Infinity;
  for (const m of ctx.before.matchAll(CONTEXT[kind])) best = Math.min(best, ctx.before.length - (m.index + m[0].length));
  const a = ctx.after.search(CONTEXT[kind]);
  if (a >= 0) best = Math.min(best, a + 1);
  return best;
}

export const hasContext = (ctx: Context, kind: ContextKind): boolean => distance(ctx, kind) < Infinity;

/** The closest of the given context kinds, if any is near. */
function nearest(ctx: Context, kinds: ContextKind[]): ContextKind | undefined {
  let best: ContextKind | undefined;
  let d = Infinity;
  for (const k of kinds) {
    const x = distance(ctx, k);
    if (x < d) [best, d] = [k, x];
  }
  return best;
}

const tokensOf = (items: readonly DigitItem[]) => items.flatMap((d) => d.tokens);

export function classifyRun(run: Run, ctx: Context): Finding[] {
  if (run.length === 0) return [];
  if (run[0]!.month) {
    if (hasContext(ctx, 'expiry')) return [{ kind: 'expiry', tokens: tokensOf(run) }];
    return classifyRun(run.slice(1), ctx);
  }
  const digits = runDigits(run);
  const n = digits.length;

  if (n >= 13) {
    const card = luhnSubRun(run);
    if (card) {
      let [a, b] = card;
      // One or two digits left beside a card are a misheard part of it, not a number of their own.
      if (runDigits(run.slice(0, a)).length < 3) a = 0;
      if (runDigits(run.slice(b)).length < 3) b = run.length;
      return [
        ...classifyRun(run.slice(0, a), ctx),
        { kind: 'card', tokens: tokensOf(run.slice(a, b)) },
        ...afterCard(run.slice(b), ctx),
      ];
    }
    // A misheard digit breaks the checksum; a card-length number said as a card is still one.
    if (n <= 19 && nearest(ctx, ['card', 'phone', 'ref']) === 'card') return [{ kind: 'card', tokens: tokensOf(run) }];
    if (n <= 15 && (run[0]!.plus || nearest(ctx, ['phone', 'ref']) === 'phone')) return [{ kind: 'phone', tokens: tokensOf(run) }];
    return [];
  }
  if (n >= 3 && n <= 6) {
    const near = nearest(ctx, n <= 4 ? ['expiry', 'cvv', 'ref', 'phone'] : ['expiry', 'ref', 'phone']);
    if (near === 'expiry') return [{ kind: 'expiry', tokens: tokensOf(run) }];
    if (near === 'cvv') return [{ kind: 'cvv', tokens: tokensOf(run) }];
    return [];
  }
  if (n >= 7) {
    if (isWrittenSsn(run) && nearest(ctx, ['phone', 'ref', 'ssn']) !== 'phone' && nearest(ctx, ['phone', 'ref', 'ssn']) !== 'ref') {
      return [{ kind: 'nationalId', tokens: tokensOf(run) }];
    }
    const near = nearest(ctx, n === 9 ? ['ssn', 'phone', 'ref'] : ['phone', 'ref']);
    if (near === 'ssn') return [{ kind: 'nationalId', tokens: tokensOf(run) }];
    if (near === 'ref') return [];
    if (near === 'phone' || n === 10 || n === 11 || (n === 12 && run[0]!.plus)) return [{ kind: 'phone', tokens: tokensOf(run) }];
  }
  return [];
}

/** Card lengths by how common they are: 16 (Visa, Mastercard), 15 (Amex), then the rest. */
const CARD_LENGTHS = [16, 15, 14, 19, 13, 17, 18];

/**
 * The item-aligned stretch of card length that passes the Luhn check, starting as early as
 * possible (people read a card from its first digit) and of the commonest length there. A longest-
 * match rule would be wrong: one random digit string in ten passes Luhn, so digits said after
 * the card would often extend it.
 */
function luhnSubRun(run: Run): [number, number] | undefined {
  for (let a = 0; a < run.length; a++) {
    const ends = new Map<number, number>();
    let digits = '';
    for (let b = a; b < run.length && digits.length < 19; b++) {
      digits += run[b]!.digits;
      if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) ends.set(digits.length, b + 1);
    }
    for (const len of CARD_LENGTHS) {
      const end = ends.get(len);
      if (end !== undefined) return [a, end];
    }
  }
  return undefined;
}

/**
 * Digits said straight after a card number are usually its expiry and security code
 * ("... 1111, 09 26, 123"), so they are read as such even without their own context words.
 */
function afterCard(rest: Run, ctx: Context): Finding[] {
  const digits = runDigits(rest);
  if (digits.length === 0) return [];
  if (digits.length === 7 || digits.length === 8) {
    const cut = splitAt(rest, 4);
    if (cut !== undefined && validMonth(digits.slice(0, 2))) {
      return [{ kind: 'expiry', tokens: tokensOf(rest.slice(0, cut)) }, { kind: 'cvv', tokens: tokensOf(rest.slice(cut)) }];
    }
  }
  if (digits.length === 3) return [{ kind: 'cvv', tokens: tokensOf(rest) }];
  if (digits.length === 4) {
    const expiryFirst = validMonth(digits.slice(0, 2)) && nearest(ctx, ['expiry', 'cvv']) !== 'cvv';
    return [{ kind: expiryFirst ? 'expiry' : 'cvv', tokens: tokensOf(rest) }];
  }
  return classifyRun(rest, ctx);
}

/** Index of the item after which exactly `count` digits have been said, if items align there. */
function splitAt(run: Run, count: number): number | undefined {
  let n = 0;
  for (let i = 0; i < run.length; i++) {
    n += run[i]!.digits.length;
    if (n === count) return i + 1;
    if (n > count) return undefined;
  }
  return undefined;
}

const validMonth = (mm: string) => Number(mm) >= 1 && Number(mm) <= 12;

/** 123-45-6789 written as one token or three groups, with the ranges the SSA never issues excluded. */
function isWrittenSsn(run: Run): boolean {
  let groups: string[];
  if (run.length === 1 && /^\d{3}-\d{2}-\d{4}$/.test(run[0]!.norm)) groups = run[0]!.norm.split('-');
  else if (run.length === 3 && run.every((d) => d.written)) groups = run.map((d) => d.digits);
  else return false;
  const [area, group, serial] = groups as [string, string, string];
  if (area.length !== 3 || group.length !== 2 || serial.length !== 4) return false;
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}
