import { partyNumber, type MediaFile, type Party, type Recording, type RecordingEvent, type Tag } from '../../../core/model.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Genesys times: milliseconds and a `+0000` zone, `2015-09-10T16:58:22.000+0000`. Written by
 * hand: a list renders a dozen per recording, and Date's parser and toISOString dominated.
 */
export function gTime(t: number | string): string {
  // Stored times are already `…:ss.mmmZ`.
  if (typeof t === 'string' && t.length === 24 && t.charCodeAt(23) === 90 /* Z */ && t.charCodeAt(19) === 46 /* . */) return `${t.slice(0, 23)}+0000`;
  const d = new Date(typeof t === 'string' ? Date.parse(t) : t);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`;
}

/** What the door needs besides the recording: the account name (Genesys "tenant") and the origin for absolute URIs. */
export interface RenderContext { tenant: string; origin: string; labels: boolean }

/** The call's start and end, parsed and formatted once per recording. */
interface Times { startMs: number; start: string; stop: string }
function timesOf(rec: Recording): Times {
  const startMs = Date.parse(rec.startTime);
  return { startMs, start: gTime(rec.startTime), stop: gTime(rec.releaseTime ?? startMs + rec.durationMs) };
}
const callUuidOf = (rec: Recording) => rec.callUuid ?? rec.sysCallId ?? rec.sipCallId ?? rec.id;

/** The audio files a client can play (the door serves each as MP3). */
export const playable = (rec: Recording): MediaFile[] => rec.media.filter((m) => m.kind === 'audio' && m.status === 'available');

/** Genesys callType from the direction and the kind of call. */
export function callType(rec: Recording): 'Inbound' | 'Outbound' | 'Internal' | 'Unknown' {
  if (rec.callType === 'internal_p2p' || rec.callType === 'conference_Internal') return 'Internal';
  if (rec.callDirection === 'incoming') return 'Inbound';
  if (rec.callDirection === 'outgoing') return 'Outbound';
  return 'Unknown';
}

const isUser = (p: Party) => p.kind === 'user' || (p.kind === undefined && !!(p.id || p.upn));

function contact(p: Party) {
  if (!isUser(p)) return { type: 'External', phoneNumber: partyNumber(p) };
  const out: Record<string, string> = { type: 'User', phoneNumber: partyNumber(p), userName: p.upn ?? p.displayName ?? '' };
  const name = p.displayName?.trim();
  if (name) {
    const space = name.indexOf(' ');
    out.firstName = space < 0 ? name : name.slice(0, space);
    if (space > 0) out.lastName = name.slice(space + 1).trim();
  }
  return out;
}

/** Data values are strings in Genesys: scalars as text, anything else as JSON. */
function stringValues(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in o) {
    const v = o[k];
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/**
 * eventHistory: the call's user data as one Data event at the start; the joined/left events
 * the call reported, or, when it reported none, Joined/Left of every party at the call's start
 * and end; and the vault's own data events (what was added, changed or removed later).
 */
function eventHistory(rec: Recording, t: Times) {
  const uuid = callUuidOf(rec);
  const eventId = (g: string) => `${g.slice(0, 10)} ${g.slice(11, 23)}_${uuid}`;
  const out: Array<Record<string, unknown>> = [];
  if (Object.keys(rec.userMetadata).length) {
    out.push({ occurredAt: t.start, calluuid: uuid, eventId: eventId(t.start), event: 'Data', data: { added: stringValues(rec.userMetadata) } });
  }
  const presence = rec.events.filter((e) => e.type === 'joined' || e.type === 'left');
  if (presence.length) {
    for (const e of presence) {
      if (e.party) out.push({ occurredAt: gTime(e.at), calluuid: uuid, contact: contact(e.party), event: e.type === 'joined' ? 'Joined' : 'Left' });
    }
  } else {
    const parties: Array<{ party: Party; join?: string | undefined; leave?: string | undefined }> = [];
    for (const party of [rec.calling, rec.called, rec.answeredBy]) if (party) parties.push({ party });
    for (const p of rec.participants) parties.push({ party: p, join: p.joinTime, leave: p.leaveTime });
    const seen = new Set<string>();
    const unique = parties.filter(({ party }) => {
      const key = party.id ?? party.upn ?? party.phoneNumber ?? party.extension ?? party.displayName ?? '';
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    for (const { party, join } of unique) out.push({ occurredAt: join ? gTime(join) : t.start, calluuid: uuid, contact: contact(party), event: 'Joined' });
    for (const { party, leave } of unique) out.push({ occurredAt: leave ? gTime(leave) : t.stop, calluuid: uuid, contact: contact(party), event: 'Left' });
  }
  const kind: Partial<Record<RecordingEvent['type'], string>> = { dataAdded: 'added', dataUpdated: 'updated', dataDeleted: 'deleted' };
  for (const e of rec.events) {
    const k = kind[e.type];
    if (!k) continue;
    const at = gTime(e.at);
    out.push({ occurredAt: at, calluuid: uuid, eventId: eventId(at), event: 'Data', data: { [k]: stringValues(e.data ?? {}) } });
  }
  return out;
}

function label(rec: Recording, t: Tag) {
  let content: unknown;
  if (t.content !== undefined) {
    try {
      content = JSON.parse(t.content);
    } catch {
      content = undefined;
    }
    if (typeof content !== 'object' || content === null) content = { text: t.content };
  }
  return {
    path: `/recordings/${rec.id}/labels/${t.id}`, name: t.tagName, id: t.id, type: t.type ?? 'custom',
    createTime: gTime(t.createdAt), ...(t.createdBy ? { createUser: t.createdBy } : {}), ...(content ? { content } : {}),
  };
}

function mediaFile(rec: Recording, m: MediaFile, ctx: RenderContext, t: Times) {
  const start = m.startTime ? Date.parse(m.startTime) : t.startMs;
  const startG = m.startTime ? gTime(m.startTime) : t.start;
  const agent = rec.answeredBy ?? (rec.callDirection === 'outgoing' ? rec.calling : rec.called);
  const played = `/recordings/${rec.id}/play/${m.id}.mp3`;
  return {
    mediaUri: `${ctx.origin}/api/v2${played}`,
    mediaPath: played,
    playPath: `/recordings/${rec.id}/decrypt/${m.id}.mp3`,
    startTime: startG,
    stopTime: gTime(m.stopTime ?? start + m.durationMs),
    callUUID: callUuidOf(rec),
    mediaId: m.id,
    type: 'audio/mp3',
    duration: String(m.durationMs),
    tenant: ctx.tenant,
    size: String(m.size),
    parameters: {
      dnis: partyNumber(rec.called), ani: partyNumber(rec.calling), dateTime: `${startG.slice(0, 19)}Z`,
      ...(rec.connectionId ? { connId: rec.connectionId } : {}),
      agentId: partyNumber(agent), recordDN: partyNumber(agent), username: agent?.upn ?? '',
      id: `${callUuidOf(rec)}_${m.id}`, callUuid: callUuidOf(rec),
    },
    ...(m.pauseMasks?.length ? {
      masks: m.pauseMasks.flatMap((s) => [
        { time: new Date(start + s.startMs).toISOString(), type: 'paused' }, { time: new Date(start + s.endMs).toISOString(), type: 'resume' },
      ]),
    } : {}),
    // The IVR profile that serviced the recording: as an importer carried it in the user data, else none.
    ivrprofile: typeof rec.userMetadata.ivrprofile === 'string' ? rec.userMetadata.ivrprofile : '',
    partitions: [],
    accessgroups: rec.accessGroups.length ? rec.accessGroups.map((g) => g.id) : ['/'],
  };
}

/** A recording as the Genesys recording resource (labels only when asked for with subresources). */
export function renderRecording(rec: Recording, ctx: RenderContext) {
  const t = timesOf(rec);
  return {
    id: rec.id,
    callerPhoneNumber: partyNumber(rec.calling),
    dialedPhoneNumber: partyNumber(rec.called),
    startTime: t.start,
    stopTime: t.stop,
    mediaFiles: playable(rec).map((m) => mediaFile(rec, m, ctx, t)),
    eventHistory: eventHistory(rec, t),
    ...(ctx.labels ? { labels: rec.tags.map((t) => label(rec, t)) } : {}),
    callType: callType(rec),
    screenRecording: rec.media.some((m) => m.kind === 'screen' && m.status !== 'deleted'),
    nonDelete: rec.nonDelete || rec.legalHold,
    ...(rec.region ? { region: rec.region } : {}),
  };
}

/**
 * The names masked in this door: the configured names (Genesys settings name Genesys fields,
 * masked wherever they appear), plus this door's names for native fields masked by their
 * native names, so one setting hides the same data in every door.
 */
export function doorMasks(masks: Set<string>): Set<string> {
  const out = new Set(masks);
  const add = (when: string[], names: string[]) => { if (when.some((m) => masks.has(m))) for (const n of names) out.add(n); };
  add(['calling.phoneNumber', 'phoneNumber'], ['callerPhoneNumber', 'ani']);
  add(['called.phoneNumber', 'phoneNumber'], ['dialedPhoneNumber', 'dnis']);
  add(['phoneNumber'], ['agentId', 'recordDN']);
  add(['upn'], ['userName', 'username']);
  add(['displayName'], ['firstName', 'lastName', 'userName']);
  add(['extension'], ['agentId', 'recordDN']);
  // A party without a phone number shows its extension in the number fields.
  add(['extension'], ['callerPhoneNumber', 'ani', 'dialedPhoneNumber', 'dnis']);
  // eventHistory contacts carry each party's number under `phoneNumber`: any masked number hides them all.
  add(['calling.phoneNumber', 'called.phoneNumber', 'callerPhoneNumber', 'dialedPhoneNumber', 'ani', 'dnis', 'extension'], ['phoneNumber']);
  return out;
}
