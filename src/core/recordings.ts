import { randomUUID } from 'node:crypto';
import { ErrorCode, VaultError, conflict, forbidden, notFound, readOnly } from './errors.js';
import type { MediaFile, MediaStatus, Note, Recording, Tag } from './model.js';
import type { Principal, Scope } from './principals.js';
import type { Page, RecordingQuery } from './query.js';
import type { RecordingInputBody, RecordingPatch } from './schemas.js';
import type { MediaSecret, MetadataStore } from '../store/port.js';
import { newId } from '../auth/secrets.js';
import { canSee, restrict, viewerOf } from './access.js';
import { assertSearchAllowed, masksFor, nativeMasks, privacyOf } from './privacy.js';

/** Removes stored media bytes; the core does not care how (sealed blobs implement it). */
export interface MediaEraser {
  erase(secrets: MediaSecret[]): Promise<void>;
  /** After a recording (or its media) is deleted and erased: copies elsewhere (export bundles) go too. */
  deleted?(accountId: string, recordingId: string): Promise<void>;
}

export function requireScope(p: Principal, scope: Scope): void {
  if (!p.scopes.has(scope) && !p.scopes.has('admin')) throw forbidden(`this action needs the '${scope}' scope`);
}

/** Media status of the whole recording, derived from its files. */
export function overallMediaStatus(media: MediaFile[]): MediaStatus {
  if (media.length === 0) return 'pending';
  if (media.every((m) => m.status === 'deleted')) return 'deleted';
  if (media.some((m) => m.status === 'available')) return 'available';
  return media[0]!.status;
}

export function newRecording(accountId: string, input: RecordingInputBody, media: MediaFile[], by: Principal, now: string): Recording {
  const { tags, notes, mediaInfo: _mi, events, ...rest } = input;
  const mediaDuration = media.reduce((m, f) => Math.max(m, f.durationMs), 0);
  const durationMs = input.durationMs
    ?? (input.releaseTime ? Math.max(0, Date.parse(input.releaseTime) - Date.parse(input.startTime)) : mediaDuration);
  const ownerId = input.ownerId ?? (by.kind === 'user' ? by.id : undefined);
  return {
    ...rest,
    ...(ownerId ? { ownerId } : {}),
    id: newId('rec'),
    numericId: 0,
    accountId,
    version: '1',
    durationMs,
    callDirection: input.callDirection ?? 'none',
    callType: input.callType ?? 'none',
    profileType: input.profileType ?? 'fullTime',
    participants: input.participants ?? [],
    media,
    mediaStatus: overallMediaStatus(media),
    transcriptionStatus: input.transcriptionStatus ?? 'none',
    insightsStatus: input.insightsStatus ?? 'none',
    tags: (tags ?? []).map((t) => ({ id: randomUUID(), ...t, createdBy: by.id, createdAt: now })),
    notes: (notes ?? []).map((n) => ({ id: newId('note', 8), visibility: n.visibility ?? 'public', content: n.content, createdBy: { id: by.id }, createdAt: now })),
    userMetadata: input.userMetadata ?? {},
    events: events ?? [],
    legalHold: input.legalHold ?? false,
    nonDelete: input.nonDelete ?? false,
    accessGroups: input.accessGroups ?? [],
    source: input.source ?? 'upload',
    createdAt: now,
    updatedAt: now,
  };
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' && out[k] !== null && !Array.isArray(out[k])) {
      out[k] = mergePatch(out[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}

/** Applies a PATCH to a recording, recording what changed as events. Pure: returns a new object. */
export function applyPatch(rec: Recording, patch: RecordingPatch, by: Principal, now: string): Recording {
  const next: Recording = { ...rec, tags: [...rec.tags], notes: [...rec.notes], events: [...rec.events], updatedAt: now };
  const event = (type: 'dataAdded' | 'dataUpdated' | 'dataDeleted', data: Record<string, unknown>) =>
    next.events.push({ type, at: now, by: by.id, data });
  if (patch.tags) {
    const byName = new Map(rec.tags.map((t) => [t.tagName.toLowerCase(), t]));
    next.tags = patch.tags.map((t) => {
      const old = byName.get(t.tagName.toLowerCase());
      return old && old.type === t.type && old.content === t.content ? old : { id: old?.id ?? randomUUID(), ...t, createdBy: by.id, createdAt: now };
    });
    event('dataUpdated', { tags: patch.tags.map((t) => t.tagName) });
  }
  if (patch.removeTags?.length) {
    const drop = new Set(patch.removeTags.map((t) => t.toLowerCase()));
    next.tags = next.tags.filter((t) => !drop.has(t.tagName.toLowerCase()) && !drop.has(t.id));
    event('dataDeleted', { tags: patch.removeTags });
  }
  if (patch.addTags?.length) {
    for (const t of patch.addTags) {
      const existing = next.tags.findIndex((x) => x.tagName.toLowerCase() === t.tagName.toLowerCase());
      const tag: Tag = { id: existing >= 0 ? next.tags[existing]!.id : randomUUID(), ...t, createdBy: by.id, createdAt: now };
      if (existing >= 0) next.tags[existing] = tag;
      else next.tags.push(tag);
    }
    event('dataAdded', { tags: patch.addTags.map((t) => t.tagName) });
  }
  if (patch.removeNotes?.length) {
    const drop = new Set(patch.removeNotes);
    next.notes = next.notes.filter((n) => !drop.has(n.id));
    event('dataDeleted', { notes: patch.removeNotes });
  }
  const newNotes = [...(patch.notes ?? []), ...(patch.addNotes ?? [])];
  if (newNotes.length) {
    const added: Note[] = newNotes.map((n) => ({ id: newId('note', 8), visibility: n.visibility ?? 'public', content: n.content, createdBy: { id: by.id }, createdAt: now }));
    next.notes.push(...added);
    event('dataAdded', { notes: added.map((n) => n.id) });
  }
  if (patch.userMetadata) {
    next.userMetadata = mergePatch(rec.userMetadata, patch.userMetadata);
    event('dataUpdated', { userMetadata: Object.keys(patch.userMetadata) });
  }
  if (patch.legalHold !== undefined && patch.legalHold !== rec.legalHold) {
    next.legalHold = patch.legalHold;
    event('dataUpdated', { legalHold: patch.legalHold });
  }
  if (patch.nonDelete !== undefined && patch.nonDelete !== rec.nonDelete) {
    next.nonDelete = patch.nonDelete;
    event('dataUpdated', { nonDelete: patch.nonDelete });
  }
  if (patch.expires !== undefined) {
    if (patch.expires === null) delete next.expires;
    else next.expires = new Date(patch.expires).toISOString();
    event('dataUpdated', { expires: patch.expires });
  }
  return next;
}

/** Reads and edits of recordings, with scopes checked and revisions honoured. */
export class RecordingService {
  constructor(
    private readonly store: MetadataStore,
    private readonly eraser: MediaEraser,
    private readonly countCap: number,
    /** Told after notes changed, so the search index can follow (failures never fail the edit). */
    private readonly onNotesChanged: (accountId: string, recordingId: string) => Promise<void> = () => Promise.resolve(),
    /** Read-only mode (config `readOnly`): every change is refused with READ_ONLY. */
    private readonly readOnly = false,
  ) {}

  /** The field names masked for this caller (supervisors, per account settings), or null. */
  async masks(p: Principal): Promise<Set<string> | null> {
    if (p.kind !== 'user' || p.role !== 'supervisor') return null;
    return masksFor(p, privacyOf((await this.store.getAccount(p.accountId))?.settings));
  }

  /** One recording as the caller may see it (doors that rename fields mask their own answer: see privacy.ts). */
  async get(p: Principal, id: string): Promise<Recording> {
    requireScope(p, 'recordings:read');
    const rec = await this.store.getRecording(p.accountId, id);
    if (!rec || !canSee(p, rec)) throw notFound(`recording ${id}`);
    return rec;
  }

  /** One recording by its numeric id (doors whose clients expect integer ids), with the same checks as get(). */
  async getByNumericId(p: Principal, numericId: number): Promise<Recording> {
    requireScope(p, 'recordings:read');
    const rec = await this.store.getRecordingByNumericId(p.accountId, numericId);
    if (!rec || !canSee(p, rec)) throw notFound(`recording ${numericId}`);
    return rec;
  }

  /**
   * The recording as JSON text, when the caller sees it whole (no visibility rule, no masks)
   * and the store can hand it over unparsed; null means "use get()". Saves a parse and a
   * serialisation on the hottest read.
   */
  getJson(p: Principal, id: string): string | null {
    requireScope(p, 'recordings:read');
    if (viewerOf(p) || !this.store.getRecordingJson) return null;
    return this.store.getRecordingJson(p.accountId, id);
  }

  /** A page the caller may see, with the field names masked for them (null: none), so a door reads the settings once. */
  async list(p: Principal, q: RecordingQuery): Promise<Page<Recording> & { masks: Set<string> | null }> {
    requireScope(p, 'recordings:read');
    // Finding recordings by what was said reveals what was said: it takes the transcript scope.
    if (q.filter.text) requireScope(p, 'transcripts:read');
    const masks = await this.masks(p);
    if (masks) assertSearchAllowed(q.filter, nativeMasks(masks), [p.id, p.upn ?? '']);
    return { ...(await this.store.listRecordings(p.accountId, { ...q, filter: restrict(p, q.filter) }, this.countCap)), masks };
  }

  /** Read-modify-write with optimistic concurrency; retries a few times on a lost race. */
  async update(p: Principal, id: string, change: (rec: Recording) => Recording): Promise<Recording> {
    if (this.readOnly) throw readOnly();
    for (let attempt = 0; attempt < 5; attempt++) {
      const rev = await this.store.getRevision(p.accountId, id);
      const rec = rev === null ? null : await this.store.getRecording(p.accountId, id);
      if (rev === null || !rec || !canSee(p, rec)) throw notFound(`recording ${id}`);
      const next = change(rec);
      if (await this.store.updateRecording(next, rev)) return next;
    }
    throw conflict('the recording is being changed by someone else; try again');
  }

  patch(p: Principal, id: string, patch: RecordingPatch): Promise<Recording> {
    requireScope(p, 'recordings:write');
    return this.update(p, id, (rec) => applyPatch(rec, patch, p, new Date().toISOString())).then((rec) => {
      if (patch.notes?.length || patch.addNotes?.length || patch.removeNotes?.length) this.onNotesChanged(p.accountId, id).catch(() => undefined);
      return rec;
    });
  }

  /** Deletes a recording (or its media); answers the recording as it was just before. */
  async delete(p: Principal, id: string, opts: { mediaOnly: boolean }): Promise<Recording> {
    requireScope(p, 'recordings:delete');
    if (this.readOnly) throw readOnly();
    for (let attempt = 0; attempt < 5; attempt++) {
      const rev = await this.store.getRevision(p.accountId, id);
      const rec = rev === null ? null : await this.store.getRecording(p.accountId, id);
      if (rev === null || !rec || !canSee(p, rec)) throw notFound(`recording ${id}`);
      if (rec.legalHold) throw new VaultError(ErrorCode.LEGAL_HOLD, `recording ${id} is under legal hold and cannot be deleted`);
      if (rec.nonDelete) throw new VaultError(ErrorCode.NON_DELETABLE, `recording ${id} is marked non-deletable`);
      const now = new Date().toISOString();
      let secrets: MediaSecret[] | null;
      if (opts.mediaOnly) {
        const media = rec.media.map((m) => ({ ...m, status: 'deleted' as const }));
        const next: Recording = {
          ...rec, media, mediaStatus: 'deleted', updatedAt: now,
          events: [...rec.events, { type: 'dataDeleted', at: now, by: p.id, data: { media: rec.media.map((m) => m.id) } }],
        };
        secrets = await this.store.destroyMediaKeys(next, rev);
      } else {
        // Only if nothing changed since the checks above: a legal hold set meanwhile wins.
        secrets = await this.store.tombstone(p.accountId, id, rev, now, p.id);
      }
      if (secrets === null) continue;
      await this.eraser.erase(secrets);
      // A copy that stays is only withdrawn later (at its download, or when it expires): never fatal here.
      await this.eraser.deleted?.(p.accountId, id).catch(() => undefined);
      return rec;
    }
    throw conflict('the recording is being changed by someone else; try again');
  }
}
