import { createHash } from 'node:crypto';
import { partyNumber, type Party, type Recording } from '../../../core/model.js';
import type { Principal } from '../../../core/principals.js';
import { isoSeconds } from '../../time.js';

/**
 * A tag's id as this door shows it: tags are named per recording in callvault, and the list
 * API names them by GUID, so the GUID is derived from the account and the tag's name (case
 * folded) — the same tag has the same id on every recording, and `tagids` finds it again.
 */
export function tagGuid(accountId: string, name: string): string {
  const h = createHash('sha256').update(`${accountId}\u0000${name.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const person = (p: Party | undefined) => ({ fullName: p?.displayName ?? p?.upn ?? '', phoneNumber: partyNumber(p) });

/** analysisResult.status: 0 not analysed, 1 in progress, 2 done, 3 failed or not possible. */
function analysisStatus(s: Recording['insightsStatus']): number {
  switch (s) {
    case 'none': return 0;
    case 'requested': case 'processing': return 1;
    case 'ready': case 'edited': return 2;
    case 'failed': case 'failedExceeded': case 'deleted': case 'transcriptionTooShort': return 3;
  }
}

/** One recording in the shape of the list API's example, field for field. */
export function renderRecording(rec: Recording, p: Principal) {
  const audio = rec.media.filter((m) => m.kind === 'audio' && m.status === 'available');
  const video = rec.media.some((m) => (m.kind === 'video' || m.kind === 'screen') && m.status === 'available');
  return {
    id: rec.id,
    ownerId: rec.ownerId ?? rec.answeredBy?.id ?? null,
    direction: rec.callDirection === 'outgoing' ? 'OUT' : 'IN',
    from: person(rec.calling),
    to: person(rec.called ?? rec.answeredBy),
    date: isoSeconds(new Date(Date.parse(rec.startTime))),
    analysisResult: { score: rec.sentiment?.score ?? 0, sentiment: rec.sentiment?.label ?? null, status: analysisStatus(rec.insightsStatus) },
    channels: audio.reduce((n, m) => n + Math.max(1, m.channels), 0),
    duration: Math.round(rec.durationMs / 1000),
    tags: rec.tags.map((t) => ({ id: tagGuid(rec.accountId, t.tagName), value: t.tagName })),
    video: { status: video ? 'OK' : 'NONE' },
    hasNotes: rec.notes.some((n) => n.visibility === 'public' || n.createdBy?.id === p.id),
  };
}
