/**
 * Word-level text handling shared by sentiment, keywords and the extractive summary: one
 * tokeniser so that all three agree on what a word is, a stop-word list tuned for spoken calls
 * (fillers and back-channel words carry no topic), and a light stemmer for grouping plurals.
 */

/** Words keep inner apostrophes and hyphens ("don't", "follow-up"); clause punctuation is its own token. */
const TOKEN = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*|[.,!?;:]/gu;

export function tokenize(text: string): string[] {
  // Curly apostrophes from some engines would otherwise split "don’t" into two words.
  return (text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'").match(TOKEN) ?? []);
}

export const isPunctuation = (tok: string): boolean => tok.length === 1 && '.,!?;:'.includes(tok);

/** Sentences of one cue; a cue without end punctuation is one sentence. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=\S)/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const STOP_LIST = `
a about above after again against all almost also am an and any anyone anything are aren't around as at
be because been before being below between both but by can can't cannot could couldn't
did didn't do does doesn't doing don't done down during each either else enough even ever every
few for from further get gets getting go goes going gone got gotta had hadn't has hasn't have haven't having he
he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't
it it's its itself just let let's lets like me might mine more most much must mustn't my myself need needs no nor
not now of off on once one only or other ought our ours ourselves out over own per perhaps please quite rather
really right same say says said see seem seems shall shan't she she'd she'll she's should shouldn't so some
something sometimes still such sure than that that's the their theirs them themselves then there there's these
they they'd they'll they're they've thing things think this those though through to too under until up upon us
very via want wants was wasn't way we we'd we'll we're we've well went were weren't what what's whatever when
when's where where's whether which while who who's whom whose why why's will with within without won't would
wouldn't yes yet you you'd you'll you're you've your yours yourself yourselves
um uh uhm umm er erm ah ahh eh hmm hm mm mhm mm-hmm uh-huh huh oh okay ok alright yeah yep yup nope yah ya
hello hi hey bye goodbye thanks thank cheers sorry pardon gonna wanna kinda sorta actually basically literally
maybe probably definitely absolutely totally exactly anyway anyways alright great good fine lovely perfect
know knew known tell told ask asked call called calling bit lot lots kind sort able give take make made put
look looking come came back help helping else everything today tomorrow yesterday day time moment minute second sec hold ahead
two three four five six seven eight nine ten first next last also one's that'll there'll it'll
`;

export const STOP_WORDS: ReadonlySet<string> = new Set(STOP_LIST.split(/\s+/).filter(Boolean));

/** A content word worth indexing: not a stop word, not a bare number, at least three characters. */
export function isContentWord(tok: string): boolean {
  return tok.length >= 3 && !STOP_WORDS.has(tok) && !/^\d/.test(tok) && !isPunctuation(tok);
}

/**
 * Folds plurals and a few verb endings onto one key ("refunds" and "refund", "charged" and
 * "charge"), enough to count a topic once without a full Porter stemmer's surprises.
 */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith('ies') && word.length > 5) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
}
