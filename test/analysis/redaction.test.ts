import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSensitive, luhnValid, redactTranscript } from '../../src/analysis/redaction/index.js';
import type { RedactionSpan, Transcript } from '../../src/transcripts/model.js';
import { cue, dialogue, transcript } from './calls.js';

const CARD = '4539148803436467';
const SPOKEN_CARD = 'four five three nine one four eight eight oh three four three six four six seven';

const kinds = (t: Transcript) => findSensitive(t).map((s) => s.kind);
const one = (text: string, timed = true) => transcript([cue({ speaker: 'Customer', startMs: 0, endMs: 400 * text.split(' ').length, text, timed })]);

const DIGIT_WORDS: Record<string, string> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};
/** Every digit the transcript still says, written or spoken, in order. */
function digitsSaid(t: Transcript): string {
  const words = t.cues.flatMap((c) => [c.text, ...(c.words ?? []).map((w) => w.text)].join(' ').toLowerCase().split(/[^a-z0-9]+/));
  return words.map((w) => (/^\d+$/.test(w) ? w : DIGIT_WORDS[w] ?? '')).join('');
}

describe('findSensitive: a card payment', () => {
  const payment = transcript(dialogue([
    ['Agent', 'Can I take the long card number please?'],
    ['Customer', `Yes it is ${SPOKEN_CARD}.`],
    ['Agent', 'Thank you. And the expiry date?'],
    ['Customer', 'Oh nine twenty six.'],
    ['Agent', 'And the three digit security code on the back?'],
    ['Customer', 'One two three.'],
    ['Customer', 'The order number is seven seven four two one and it came to forty nine ninety nine.'],
    ['Customer', 'I placed it on 03/14 for $49.99 and it was due on the twelfth of March.'],
  ]));
  assert.ok(luhnValid(CARD));

  it('finds the spoken card, its expiry and its security code, and nothing else', () => {
    const spans = findSensitive(payment);
    assert.deepEqual(spans.map((s) => [s.kind, s.cue]), [['card', 1], ['expiry', 3], ['cvv', 5]]);
    // The card span runs from the first digit word to the last.
    const words = payment.cues[1]!.words!;
    const first = words.findIndex((w) => w.text === 'four');
    assert.equal(spans[0]!.startMs, words[first]!.startMs);
    assert.equal(spans[0]!.endMs, words[words.length - 1]!.endMs);
    assert.equal(spans[1]!.startMs, payment.cues[3]!.startMs);
    assert.equal(spans[2]!.endMs, payment.cues[5]!.endMs);
  });

  it('makes a redacted copy with no trace of the card digits and the timings kept', () => {
    const spans = findSensitive(payment);
    const red = redactTranscript(payment, spans);
    assert.equal(red.redacted, true);
    assert.equal(payment.redacted, undefined, 'the original is not touched');
    assert.equal(red.cues[1]!.text, 'Yes it is [card number].');
    assert.equal(red.cues[3]!.text, '[expiry date].');
    assert.equal(red.cues[5]!.text, '[security code].');
    const said = digitsSaid(red);
    for (let i = 0; i + 6 <= CARD.length; i++) assert.ok(!said.includes(CARD.slice(i, i + 6)), `card digits ${CARD.slice(i, i + 6)} remain`);
    assert.ok(!said.includes('0926') && !said.includes('123'), said);
    assert.deepEqual(findSensitive(red), []);
    // The replaced words became one token spanning them; the other words keep their times.
    const w = red.cues[1]!.words!;
    assert.deepEqual(w.map((x) => x.text), ['Yes', 'it', 'is', '[card number].']);
    assert.equal(w[3]!.startMs, spans[0]!.startMs);
    assert.equal(w[3]!.endMs, spans[0]!.endMs);
    assert.deepEqual(w.slice(0, 3), payment.cues[1]!.words!.slice(0, 3));
    // Untouched cues are equal but not shared.
    assert.deepEqual(red.cues[6], payment.cues[6]);
    assert.notEqual(red.cues[6]!.words, payment.cues[6]!.words);
  });
});

describe('findSensitive: forms of card numbers', () => {
  it('reads written groups, one written number, "double"/"triple" and digits said in pairs', () => {
    assert.deepEqual(kinds(one('my card is 4539 1488 0343 6467 thanks')), ['card']);
    assert.deepEqual(kinds(one('card 4539-1488-0343-6467.')), ['card']);
    assert.deepEqual(kinds(one('it is four triple one triple one one triple one one triple one one')), ['card']);
    assert.deepEqual(kinds(one('amex three seven eight two eight two two four six three one double oh five')), ['card']);
    assert.deepEqual(kinds(one('forty five thirty nine fourteen eighty eight oh three four three sixty-four sixty-seven')), ['card']);
  });

  it('keeps reading across the other party\'s back-channel and the speaker\'s own next cue', () => {
    const t = transcript([
      cue({ speaker: 'Customer', startMs: 0, endMs: 3_200, text: 'four five three nine one four eight eight' }),
      cue({ speaker: 'Agent', startMs: 3_300, endMs: 3_700, text: 'mm-hmm' }),
      cue({ speaker: 'Customer', startMs: 3_800, endMs: 7_000, text: 'oh three four three six four six seven' }),
    ]);
    const spans = findSensitive(t);
    assert.deepEqual(spans.map((s) => [s.kind, s.cue, s.startMs, s.endMs]), [['card', 0, 0, 3_200], ['card', 2, 3_800, 7_000]]);
  });

  it('does not join an answer to the question that follows it', () => {
    const t = transcript(dialogue([
      ['Customer', 'It is seven seven four two one'],
      ['Agent', 'And what was the second order?'],
      ['Customer', 'Four four eight one nine two'],
    ], { gapMs: 200 }));
    assert.deepEqual(findSensitive(t), []);
  });

  it('treats a card-length number that fails Luhn as a card only when a card is being talked about', () => {
    assert.ok(!luhnValid('4539148803436468'));
    assert.deepEqual(kinds(one('the card number is 4539 1488 0343 6468')), ['card']);
    assert.deepEqual(kinds(one('the tracking code is 4539 1488 0343 6468')), []);
  });

  it('reads the expiry and code said right after the card', () => {
    const t = one('The card is 4539148803436467, expiry 09/26, CVV 123.');
    assert.deepEqual(kinds(t), ['card', 'expiry', 'cvv']);
    assert.equal(redactTranscript(t, findSensitive(t)).cues[0]!.text, 'The card is [card number], expiry [expiry date], CVV [security code].');
    assert.deepEqual(kinds(one('card 4539 1488 0343 6467 09 26 123')), ['card', 'expiry', 'cvv']);
  });

  it('takes a digit or two left beside a Luhn-valid stretch into the card', () => {
    // The last digit was misheard: the first 14 digits happen to pass Luhn, the two after them are still the card's.
    const t = one('the long number is four five three nine one four eight eight oh three four three six four six eight');
    assert.deepEqual(kinds(t), ['card']);
    assert.equal(redactTranscript(t, findSensitive(t)).cues[0]!.text, 'the long number is [card number]');
  });
});

describe('findSensitive: other data', () => {
  it('finds expiry dates by their words, written or spoken, and leaves other dates', () => {
    assert.deepEqual(kinds(one('it expires 09/26')), ['expiry']);
    assert.deepEqual(kinds(one('valid through december twenty seven')), ['expiry']);
    assert.deepEqual(kinds(one('expiration is twelve twenty seven')), ['expiry']);
    assert.deepEqual(kinds(one('I ordered it on 09/26 and it came on december twenty seven')), []);
  });

  it('finds national ids', () => {
    assert.deepEqual(kinds(one('my ssn is 123-45-6789')), ['nationalId']);
    assert.deepEqual(kinds(one('social security number one two three four five six seven eight nine')), ['nationalId']);
    assert.deepEqual(kinds(one('NI number AB 12 34 56 C')), ['nationalId']);
    assert.deepEqual(kinds(one('national insurance a b one two three four five six c')), ['nationalId']);
    assert.deepEqual(kinds(one('the code is 666-45-6789')), [], 'never issued');
  });

  it('finds e-mail addresses, written and spoken', () => {
    const spoken = one('it is john dot smith at example dot co dot uk thanks');
    const [span] = findSensitive(spoken);
    const words = spoken.cues[0]!.words!;
    assert.equal(span!.kind, 'email');
    assert.equal(span!.startMs, words[2]!.startMs);
    assert.equal(span!.endMs, words[10]!.endMs);
    assert.equal(redactTranscript(spoken, [span!]).cues[0]!.text, 'it is [email] thanks');
    assert.deepEqual(kinds(one('send it to Jane.Doe@example.org please')), ['email']);
    assert.deepEqual(kinds(one('j o h n at gmail dot com')), ['email']);
    assert.deepEqual(kinds(one('we met at the office and looked at example dot com')), []);
  });

  it('finds phone numbers and leaves reference numbers alone', () => {
    assert.deepEqual(kinds(one('call me back on oh two oh seven nine four six oh nine five eight')), ['phone']);
    assert.deepEqual(kinds(one('my mobile is (555) 123-4567')), ['phone']);
    assert.deepEqual(kinds(one('five five five double two three four five six seven')), ['phone']);
    assert.deepEqual(kinds(one('my landline is seven six five four three two one')), ['phone']);
    assert.deepEqual(kinds(one('the order reference is 5551234567')), []);
  });

  it('leaves amounts, dates, times, counts and short order numbers alone', () => {
    for (const text of [
      'it cost forty nine ninety nine',
      'the refund of $1,250.00 arrived on 03/14',
      'order number four eight two one three',
      'my flight is at twelve twenty five on the twenty first of March',
      'I have two kids aged three and five',
      'oh okay oh I see',
      'that was in 2019 and again in 2021',
      'we had 2019 and 2021 and 22 on file',
      'the total was 49.99 and 12% tax',
    ]) assert.deepEqual(findSensitive(one(text)), [], text);
  });
});

describe('cues without word timings', () => {
  it('estimates the span from character positions and redacts the text', () => {
    const text = 'my card is 4539 1488 0343 6467 thanks';
    const t = transcript([cue({ speaker: 'Customer', startMs: 10_000, endMs: 13_700, text, timed: false })]);
    const [span] = findSensitive(t) as [RedactionSpan];
    assert.equal(span.kind, 'card');
    // 3.7 s over 37 characters: 100 ms a character; the digits are characters 11..30.
    assert.equal(span.startMs, 11_100);
    assert.equal(span.endMs, 13_000);
    const red = redactTranscript(t, [span]);
    assert.equal(red.cues[0]!.text, 'my card is [card number] thanks');
    assert.equal(red.cues[0]!.words, undefined);
  });
});

describe('one channel, two diarised speakers', () => {
  it('keeps each speaker\'s numbers apart and still reads the card', () => {
    const t = transcript([
      cue({ speaker: 'Speaker 1', channel: 0, startMs: 0, endMs: 3_200, text: 'card four five three nine one four eight eight' }),
      cue({ speaker: 'Speaker 2', channel: 0, startMs: 3_300, endMs: 3_700, text: 'mm-hmm' }),
      cue({ speaker: 'Speaker 1', channel: 0, startMs: 3_800, endMs: 7_000, text: 'oh three four three six four six seven' }),
      cue({ speaker: 'Speaker 2', channel: 0, startMs: 7_500, endMs: 9_500, text: 'and your order number is one two three' }),
    ]);
    assert.deepEqual(findSensitive(t).map((s) => [s.kind, s.cue]), [['card', 0], ['card', 2]]);
  });
});

describe('findSensitive: digits a recogniser wrote as words', () => {
  it('reads "to" and "for" between spoken digits as digits, so a misheard card is still one card', () => {
    const t = transcript(dialogue([
      ['Agent', 'Please read me the card number.'],
      ['Customer', 'four five three nine one four eight eight zero three four three to four six seven'],
    ]));
    const spans = findSensitive(t);
    assert.deepEqual(spans.map((s) => s.kind), ['card']);
    const words = t.cues[1]!.words!;
    assert.equal(spans[0]!.startMs, words[0]!.startMs);
    assert.equal(spans[0]!.endMs, words[words.length - 1]!.endMs);
  });

  it('leaves "to" and "for" alone outside a number', () => {
    assert.deepEqual(kinds(one('I went to the shop for two hours')), []);
    assert.deepEqual(kinds(one('add four to five')), []);
  });
});
