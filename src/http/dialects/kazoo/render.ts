import { partyNumber, type Party, type Recording } from '../../../core/model.js';
import { toGregorian } from './envelope.js';

const address = (p: Party | undefined, realm: string) => {
  const user = p?.phoneNumber?.replace(/[^\d+]/g, '') || p?.extension || p?.upn?.split('@')[0] || '';
  return user ? `${user}@${realm}` : '';
};

/** The recording's audio file as Kazoo names the attachment (an MP3 is what it serves). */
export const attachmentName = (rec: Recording) => `${rec.id}.mp3`;

/**
 * A recording as Kazoo's recordings document: ids, caller id, from/to as user@realm, the
 * direction seen from the account, duration in seconds and ms, start in Gregorian seconds.
 */
export function renderRecording(rec: Recording, realm: string) {
  const audio = rec.media.find((m) => m.kind === 'audio' && m.status === 'available');
  return {
    id: rec.id,
    call_id: rec.sipCallId ?? rec.sysCallId ?? rec.callUuid ?? rec.id,
    caller_id_number: partyNumber(rec.calling),
    caller_id_name: rec.calling?.displayName ?? partyNumber(rec.calling),
    callee_id_number: partyNumber(rec.called),
    callee_id_name: rec.called?.displayName ?? partyNumber(rec.called),
    from: address(rec.calling, realm),
    to: address(rec.called ?? rec.answeredBy, realm),
    request: address(rec.called ?? rec.answeredBy, realm),
    direction: rec.callDirection === 'outgoing' ? 'outbound' : 'inbound',
    duration: Math.round(rec.durationMs / 1000),
    duration_ms: rec.durationMs,
    start: toGregorian(Date.parse(rec.startTime)),
    media_source: 'recorded',
    media_type: 'mp3',
    origin: 'callvault',
    source_type: 'callvault',
    content_type: 'audio/mpeg',
    name: attachmentName(rec),
    description: `recording of call ${rec.sysCallId ?? rec.id}`,
    owner_id: rec.ownerId ?? rec.answeredBy?.id,
    custom_channel_vars: {},
    user_metadata: rec.userMetadata,
    _read_only: { has_audio: !!audio, created: toGregorian(Date.parse(rec.createdAt)), modified: toGregorian(Date.parse(rec.updatedAt)) },
  };
}

/**
 * The Kazoo names of masked fields (see core/privacy.ts): one masking setting hides the same
 * data in every door. A number hides the caller-id name too (it falls back to the number), and
 * `from`/`to`/`request`, which carry the number, extension or upn as `user@realm`.
 */
export function kazooMasks(masks: Set<string>): Set<string> {
  const out = new Set(masks);
  const add = (when: string[], names: string[]) => { if (when.some((m) => masks.has(m))) for (const n of names) out.add(n); };
  const names = ['displayName', 'userName', 'username', 'firstName', 'lastName'];
  add(['calling.phoneNumber', 'phoneNumber', 'callerPhoneNumber', 'ani'], ['caller_id_number', 'caller_id_name', 'from']);
  add(['called.phoneNumber', 'phoneNumber', 'dialedPhoneNumber', 'dnis'], ['callee_id_number', 'callee_id_name', 'to', 'request']);
  add([...names, 'calling.displayName'], ['caller_id_name']);
  add([...names, 'called.displayName'], ['callee_id_name']);
  add(['upn', 'userName', 'username', 'extension'], ['from', 'to', 'request']);
  // A party without a phone number shows its extension as its number (and name).
  add(['extension'], ['caller_id_number', 'callee_id_number', 'caller_id_name', 'callee_id_name']);
  return out;
}
