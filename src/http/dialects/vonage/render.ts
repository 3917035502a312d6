import { partyNumber, type MediaFile, type Recording } from '../../../core/model.js';
import { MASK, maskDeep } from '../../../core/privacy.js';
import { vonageTime } from './envelope.js';

const DIRECTION = { incoming: 'INBOUND', outgoing: 'OUTBOUND', none: 'INTRA_PBX' } as const;


/** The audio file a Vonage recording stands for: the first live one. */
export const audioOf = (rec: Recording): MediaFile | undefined => rec.media.find((m) => m.kind === 'audio' && m.status === 'available');

const EXT: Record<string, string> = { 'audio/mpeg': 'mp3', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/ogg': 'ogg', 'audio/opus': 'opus', 'audio/mp4': 'm4a', 'audio/flac': 'flac' };

/** The file name the recording downloads as: the uploaded name, else `<id>.<ext>` from its type. */
export function fileNameOf(rec: Recording, file = audioOf(rec)): string {
  if (file?.fileName) return file.fileName;
  return `${rec.numericId}.${(file && EXT[file.mimeType]) ?? 'mp3'}`;
}

/** Every party's extension, once, as numbers where they are numbers (the document's example is `[999]`). */
function extensions(rec: Recording): Array<number | string> {
  const all = [rec.calling, rec.called, rec.answeredBy, rec.transferredBy, rec.transferTo, rec.onBehalfOf, ...rec.participants]
    .map((p) => p?.extension).filter((e): e is string => !!e);
  return [...new Set(all)].map((e) => (/^\d{1,15}$/.test(e) ? Number(e) : e));
}

/** The masked-field names of the native vocabulary, in this door's words. */
export function doorMasks(masks: Set<string>): Set<string> {
  const out = new Set<string>();
  if (['phoneNumber', 'callerPhoneNumber', 'ani', 'calling.phoneNumber'].some((m) => masks.has(m))) out.add('caller_id');
  if (['phoneNumber', 'dialedPhoneNumber', 'dnis', 'called.phoneNumber'].some((m) => masks.has(m))) out.add('dnis');
  if (['displayName', 'userName', 'username', 'firstName', 'lastName'].some((m) => masks.has(m))) out.add('cnam');
  // A party without a phone number shows its extension as its number.
  if (masks.has('extension')) for (const n of ['extensions', 'caller_id', 'dnis']) out.add(n);
  return out;
}

/** A rendered object with the door's masked fields hidden (arrays, which maskDeep leaves alone, as one masked entry). */
export function masked<T extends Record<string, unknown>>(obj: T, masks: Set<string> | null): T {
  if (!masks) return obj;
  const names = doorMasks(masks);
  const out = maskDeep(obj, names);
  if (names.has('extensions') && Array.isArray(out.extensions) && out.extensions.length) (out as Record<string, unknown>).extensions = [MASK];
  return out;
}

/** A recording as the document's recording object; `self` is its link under the path it was asked through. */
export function renderRecording(rec: Recording, links: { self: string; download: string }) {
  const file = audioOf(rec);
  const end = rec.releaseTime ?? new Date(Date.parse(rec.startTime) + rec.durationMs).toISOString();
  return {
    _links: { self: { href: links.self } },
    call_direction: DIRECTION[rec.callDirection],
    call_id: rec.sipCallId ?? rec.sysCallId ?? rec.callUuid ?? rec.id,
    caller_id: partyNumber(rec.calling),
    cnam: rec.calling?.displayName ?? '',
    dnis: partyNumber(rec.called ?? rec.answeredBy),
    download_url: links.download,
    duration: rec.durationMs,
    end: vonageTime(end),
    extensions: extensions(rec),
    file_name: fileNameOf(rec, file),
    file_size_in_bytes: file?.size ?? 0,
    id: rec.numericId,
    rule_ids: [] as number[],
    start: vonageTime(rec.startTime),
  };
}

/** One entry of the transcriptions list; the URL only when ready, the error only when it failed. */
export function renderTranscription(rec: Recording, transcriptionUrl: string) {
  const ready = rec.transcriptionStatus === 'ready';
  const error = rec.transcriptionStatus === 'failed' ? 'Transcription failed'
    : rec.transcriptionStatus === 'failedExceeded' ? 'Transcription not made: the recording is longer than the transcription limit' : undefined;
  return {
    recording_id: rec.numericId,
    call_id: rec.sipCallId ?? rec.sysCallId ?? rec.callUuid ?? rec.id,
    caller_id: partyNumber(rec.calling),
    call_date: vonageTime(rec.startTime),
    duration: rec.durationMs,
    direction: DIRECTION[rec.callDirection],
    cnam: rec.calling?.displayName ?? '',
    dnis: partyNumber(rec.called ?? rec.answeredBy),
    transcription_ready: ready,
    ...(ready ? { transcription_url: transcriptionUrl } : {}),
    ...(!ready && error ? { transcription_error: error } : {}),
  };
}

/**
 * A page as HAL: the items under `_embedded.<name>`, and `first`/`prev`/`self`/`next`/`last`
 * links that keep every other parameter of the request (pages are 1-based; `prev` and `next`
 * only where such a page exists).
 */
export function halPage<T>(name: string, items: T[], at: { url: string; page: number; pageSize: number; total: number; more?: boolean }) {
  // Past the exact-count cap the total is a lower bound: a page known to have a successor links to it.
  const counted = Math.ceil(at.total / at.pageSize);
  const totalPages = at.more ? Math.max(counted, at.page + 1) : counted;
  const href = (page: number) => {
    const u = new URL(at.url);
    u.searchParams.set('page', String(page));
    // A token given in the query is not written into answers (where proxies and logs keep it).
    u.searchParams.delete('auth_token');
    return { href: u.toString() };
  };
  return {
    _embedded: { [name]: items },
    _links: {
      first: href(1),
      ...(at.page > 1 ? { prev: href(Math.min(at.page - 1, Math.max(1, totalPages))) } : {}),
      self: href(at.page),
      ...(at.page < totalPages ? { next: href(at.page + 1) } : {}),
      last: href(Math.max(1, totalPages)),
    },
    page: at.page,
    page_size: at.pageSize,
    total_items: at.total,
    total_pages: totalPages,
  };
}
