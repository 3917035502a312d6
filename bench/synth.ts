/**
 * Deterministic synthetic recordings for the list and get benchmarks. The shapes come from the
 * real core (newRecording), so the stored documents look like what an upload produces.
 */
import { createHash } from 'node:crypto';
import type { CallDirection, CallType, MediaFile, Party, Recording } from '../src/core/model.js';
import type { Principal } from '../src/core/principals.js';
import type { RecordingInputBody } from '../src/core/schemas.js';
import { newRecording } from '../src/core/recordings.js';

/** Bump when the generator's output changes, so cached databases are rebuilt. */
export const GENERATOR_VERSION = 3;

/** The synthetic year: every startTime falls in [YEAR_START, YEAR_END). */
export const YEAR_START = Date.UTC(2024, 0, 1);
export const YEAR_END = Date.UTC(2025, 0, 1);

export const USER_COUNT = 500;
export const EXTERNAL_COUNT = 50_000;
/** Tag names with relative weights (a few common, most rare). */
export const TAGS: Array<[string, number]> = [
  ['Follow-up', 30], ['Complaint', 18], ['Sales', 15], ['VIP', 8], ['Escalation', 7], ['Training', 6],
  ['QA-Reviewed', 5], ['Refund', 4], ['Fraud-Check', 3], ['Legal', 2], ['Callback', 1.5], ['Survey', 0.5],
];
const DIRECTIONS: Array<[CallDirection, number]> = [['incoming', 45], ['outgoing', 40], ['none', 15]];
const INCOMING_TYPES: Array<[CallType, number]> = [['pstn_p2p', 55], ['queue', 30], ['conference_Internal_with_Pstn_participants', 10], ['federated_p2p', 5]];
const OUTGOING_TYPES: Array<[CallType, number]> = [['pstn_p2p', 80], ['federated_p2p', 15], ['conference_Internal_with_ext_participants', 5]];
const INTERNAL_TYPES: Array<[CallType, number]> = [['internal_p2p', 70], ['conference_Internal', 30]];
const QUEUES = ['Billing', 'Support Tier 1', 'Support Tier 2', 'Sales Inbound', 'Retention', 'Claims'];
const RELEASE: Array<['normal' | 'abandoned' | 'transferred' | 'failure', number]> = [['normal', 88], ['transferred', 6], ['abandoned', 5], ['failure', 1]];
const FIRST = ['Ada', 'Ben', 'Chen', 'Dana', 'Eli', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Jo', 'Kemal', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya'];
const LAST = ['Okafor', 'Schmidt', 'Nakamura', 'Rossi', 'Novak', 'Haddad', 'Larsen', 'Moreau', 'Silva', 'Kowalski', 'Fischer', 'Ibrahim'];

/** xorshift32: small, fast and reproducible across runs. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

function weighted<T>(r: () => number, table: Array<[T, number]>): T {
  const total = table.reduce((a, [, w]) => a + w, 0);
  let x = r() * total;
  for (const [v, w] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return table[table.length - 1]![0];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** The formatted number of user n (the list bench filters on these, in another spelling). */
export function userPhone(n: number): string {
  return `+1 (555) 01${pad(Math.floor(n / 100), 1)}-${pad(n % 100, 2)}${pad(n % 7, 2)}`;
}
export function externalPhone(n: number): string {
  return `+44 20 79${pad(n, 6).slice(0, 2)} ${pad(n, 6).slice(2)}`;
}
export function userUpn(n: number): string {
  return `${FIRST[n % FIRST.length]!.toLowerCase()}.${LAST[n % LAST.length]!.toLowerCase()}${n}@contoso.example`;
}

function user(n: number): Party {
  return {
    id: `usr_bench${pad(n, 4)}`, upn: userUpn(n), displayName: `${FIRST[n % FIRST.length]} ${LAST[n % LAST.length]}`,
    phoneNumber: userPhone(n), extension: String(2000 + n), kind: 'user',
  };
}

function external(n: number): Party {
  return { phoneNumber: externalPhone(n), displayName: `Customer ${n}`, kind: 'external' };
}

/** Durations spread log-uniformly over 5 s .. 1 h (median about 2 min). */
function duration(r: () => number): number {
  const lo = Math.log(5_000), hi = Math.log(3_600_000);
  return Math.round(Math.exp(lo + r() * (hi - lo)));
}

export interface Synth { next(i: number): Recording }

/**
 * Row i of `total`: start times rise with i (ingest order follows call time, with a few
 * minutes of jitter) and cover the whole year.
 */
export function synth(accountId: string, total: number, seed = 42): Synth {
  const r = rng(seed);
  const span = (YEAR_END - YEAR_START) / total;
  const by: Principal = { kind: 'client', id: 'cli_benchseed', accountId, scopes: new Set() };
  return {
    next(i: number): Recording {
      const start = Math.min(YEAR_END - 1, Math.max(YEAR_START, Math.round(YEAR_START + (i + r()) * span + (r() - 0.5) * 600_000)));
      const durationMs = duration(r);
      const direction = weighted(r, DIRECTIONS);
      const agent = Math.floor(r() * USER_COUNT);
      const other = Math.floor(r() * EXTERNAL_COUNT);
      const colleague = (agent + 1 + Math.floor(r() * (USER_COUNT - 1))) % USER_COUNT;
      let calling: Party, called: Party, callType: CallType;
      if (direction === 'incoming') {
        calling = external(other); called = user(agent); callType = weighted(r, INCOMING_TYPES);
      } else if (direction === 'outgoing') {
        calling = user(agent); called = external(other); callType = weighted(r, OUTGOING_TYPES);
      } else {
        calling = user(agent); called = user(colleague); callType = weighted(r, INTERNAL_TYPES);
      }
      const answered = r() < 0.4 ? { ...user(direction === 'none' ? colleague : agent), answerTime: new Date(start + 4000).toISOString() } : undefined;
      const tagCount = weighted(r, [[0, 50], [1, 35], [2, 15]] as Array<[number, number]>);
      const tags: NonNullable<RecordingInputBody['tags']> = [];
      for (let t = 0; t < tagCount; t++) {
        const name = weighted(r, TAGS);
        if (!tags.some((x) => x.tagName === name)) tags.push({ tagName: name, type: 'label', content: `auto-tagged by rule ${Math.floor(r() * 40)}` });
      }
      const callId = `${pad(i, 9)}-${Math.floor(r() * 1e9).toString(36)}`;
      const input: RecordingInputBody = {
        startTime: new Date(start).toISOString(),
        releaseTime: new Date(start + durationMs).toISOString(),
        durationMs,
        callDirection: direction,
        callType,
        releaseCause: weighted(r, RELEASE),
        profileType: 'fullTime',
        ...(r() < 0.5 ? { ownerId: `usr_bench${pad(agent, 4)}` } : {}),
        sysCallId: `sys-${callId}`,
        sipCallId: `${callId}@sbc1.contoso.example`,
        ...(callType === 'queue' ? { queueName: QUEUES[agent % QUEUES.length]! } : {}),
        calling,
        called,
        ...(answered ? { answeredBy: answered } : {}),
        tags,
        userMetadata: { crmCaseId: `CASE-${pad(Math.floor(r() * 1e6), 6)}`, site: agent % 2 ? 'London' : 'Austin' },
        region: 'eu-west',
        recordingPlatform: { recordingPlatformType: 'siprec' },
        source: 'siprec',
      };
      const media: MediaFile = {
        id: `med_${pad(i, 10)}`, kind: 'audio', mimeType: 'audio/wav', codec: 'pcm_mulaw', container: 'wav', channels: 2,
        sampleRate: 8000, durationMs, size: 44 + 16 * durationMs, sha256: createHash('sha256').update(callId).digest('hex'),
        fileName: `${callId}.wav`, status: 'available', createdAt: new Date(start + durationMs + 2000).toISOString(),
      };
      const now = new Date(start + durationMs + 3000).toISOString();
      return newRecording(accountId, input, [media], by, now);
    },
  };
}
