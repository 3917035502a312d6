import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Vault } from '../../../context.js';
import { ErrorCode, VaultError, notFound } from '../../../core/errors.js';
import { TRANSCRIPTION_STATUSES, partiesOf, type Recording } from '../../../core/model.js';
import type { Principal } from '../../../core/principals.js';
import type { RecordingFilter } from '../../../core/query.js';
import { requireScope } from '../../../core/recordings.js';
import { principalOf } from '../../auth.js';
import { acceptEmptyJson } from '../../empty-json.js';
import { sendError } from '../../errors.js';
import { parseRange } from '../../native/media.js';
import { origin, vonageFormatter } from './envelope.js';
import { COMPANY, ON_DEMAND, checkAccount, toFilter, toPaging, toSort, transcriptionReady, userOf, type Source } from './params.js';
import { audioOf, fileNameOf, halPage, masked, renderRecording, renderTranscription } from './render.js';
import { exportRoutes } from './exports.js';

type Params = { accountId: string; userId?: string; recordingId?: string };
type Req = FastifyRequest<{ Params: Params; Querystring: Source }>;

/** A recording id of this API is an integer; anything else names no recording. */
export function numericIdOf(raw: string | undefined): number {
  const n = /^\d{1,15}$/.test(raw ?? '') ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw notFound(`recording ${raw ?? ''}`);
  return n;
}

const isOnDemand = (rec: Recording) => (ON_DEMAND as readonly string[]).includes(rec.profileType);

/** Whether the user (id or upn) took part in, or owns, the recording: an on-demand recording belongs to its user. */
function belongsTo(rec: Recording, user: string): boolean {
  if (rec.ownerId === user) return true;
  const u = user.toLowerCase();
  // As the list finds them: by id, by UPN, or by a UPN's name when U has no domain.
  const byUpn = (upn: string) => upn === u || (!u.includes('@') && upn.startsWith(`${u}@`));
  return partiesOf(rec).some(({ party }) => party.id === user || (!!party.upn && byUpn(party.upn.toLowerCase())));
}

/**
 * The Vonage Business Communications call recording door (specs/vonage-call-recording-api.txt,
 * NOTES.md): company and on-demand recordings (list, get, delete) with HAL pages and links,
 * the audio behind `download_url`, the transcriptions list and transcripts, and export jobs
 * (exports.ts). Registered once per prefix in VONAGE_PREFIXES; `app.prefix` is the one served.
 */
export function vonageDoor(app: FastifyInstance, vault: Vault): void {
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply, vonageFormatter));
  // Every field of an export request is optional: an empty JSON body asks for everything.
  acceptEmptyJson(app);
  const prefix = app.prefix;
  // Unknown paths under Vonage's own server path answer in its error body too (elsewhere they are the app's).
  if (prefix.startsWith('/t/')) app.setNotFoundHandler((req, reply) => sendError(notFound(`${req.method} ${req.url.split('?')[0]}`), req, reply, vonageFormatter));
  const base = (req: FastifyRequest) => `${origin(req, prefix)}/api`;
  const hide = { schema: { hide: true } };

  /** The recording's links under the path the client used: the company list's, or the user's. */
  const linksFor = (req: FastifyRequest, p: Principal, rec: Recording, user?: string) => ({
    self: `${base(req)}/accounts/${p.accountId}/${user === undefined ? 'company_call_recordings' : `users/${encodeURIComponent(user)}/call_recordings`}/${rec.numericId}`,
    download: `${base(req)}/audio/recording/${rec.numericId}`,
  });

  const scopeFilter = (filter: RecordingFilter, user?: string): RecordingFilter =>
    (user === undefined ? { ...filter, profileType: [...COMPANY] } : { ...filter, profileType: [...ON_DEMAND], user: [user] });

  const list = async (req: Req, user?: string) => {
    const p = principalOf(req);
    const { page, pageSize } = toPaging(req.query);
    const res = await vault.recordings.list(p, { filter: scopeFilter(toFilter(req.query), user), sort: toSort(req.query), pageSize, page });
    const items = res.items.map((r) => masked(renderRecording(r, linksFor(req, p, r, user)), res.masks));
    return halPage('recordings', items, { url: `${req.protocol}://${req.host}${req.url}`, page, pageSize, total: res.total, more: res.nextCursor !== undefined });
  };

  /** One recording of the company list, or of the user's on-demand list: another kind is not found there. */
  const one = async (req: Req, user?: string) => {
    const p = principalOf(req);
    const rec = await vault.recordings.getByNumericId(p, numericIdOf(req.params.recordingId));
    const fits = user === undefined ? !isOnDemand(rec) : isOnDemand(rec) && belongsTo(rec, user);
    if (!fits) throw notFound(`recording ${req.params.recordingId}`);
    return { p, rec };
  };

  app.get<{ Params: Params; Querystring: Source }>('/api/accounts/:accountId/company_call_recordings', hide, async (req) => {
    checkAccount(principalOf(req), req.params.accountId);
    return list(req);
  });

  app.get<{ Params: Params; Querystring: Source }>('/api/accounts/:accountId/users/:userId/call_recordings', hide, async (req) => {
    const p = principalOf(req);
    checkAccount(p, req.params.accountId);
    return list(req, userOf(p, req.params.userId!));
  });

  app.get<{ Params: Params; Querystring: Source }>('/api/accounts/:accountId/company_call_recordings/:recordingId', hide, async (req) => {
    checkAccount(principalOf(req), req.params.accountId);
    const { p, rec } = await one(req);
    return masked(renderRecording(rec, linksFor(req, p, rec)), await vault.recordings.masks(p));
  });

  app.get<{ Params: Params; Querystring: Source }>('/api/accounts/:accountId/users/:userId/call_recordings/:recordingId', hide, async (req) => {
    const p = principalOf(req);
    checkAccount(p, req.params.accountId);
    const user = userOf(p, req.params.userId!);
    const { rec } = await one(req, user);
    return masked(renderRecording(rec, linksFor(req, p, rec, user)), await vault.recordings.masks(p));
  });

  const remove = async (req: Req, reply: FastifyReply, user?: string) => {
    // As natively: a caller who may not delete at all hears so before whether the recording exists.
    requireScope(principalOf(req), 'recordings:delete');
    const { p, rec } = await one(req, user);
    await vault.recordings.delete(p, rec.id, { mediaOnly: false });
    return reply.code(204).send();
  };
  app.delete<{ Params: Params; Querystring: Source }>('/api/accounts/:accountId/company_call_recordings/:recordingId', hide, async (req, reply) => {
    checkAccount(principalOf(req), req.params.accountId);
    return remove(req, reply);
  });
  app.delete<{ Params: Params; Querystring: Source }>('/api/accounts/:accountId/users/:userId/call_recordings/:recordingId', hide, async (req, reply) => {
    const p = principalOf(req);
    checkAccount(p, req.params.accountId);
    return remove(req, reply, userOf(p, req.params.userId!));
  });

  app.get<{ Params: Params; Querystring: Source }>('/api/accounts/:accountId/company_call_recordings/transcriptions', hide, async (req) => {
    const p = principalOf(req);
    checkAccount(p, req.params.accountId);
    const { page, pageSize } = toPaging(req.query);
    const filter = scopeFilter(toFilter(req.query));
    const ready = transcriptionReady(req.query);
    if (ready !== undefined) filter.transcriptionStatus = ready ? ['ready'] : TRANSCRIPTION_STATUSES.filter((s) => s !== 'ready');
    const res = await vault.recordings.list(p, { filter, sort: toSort(req.query), pageSize, page });
    const items = res.items.map((r) => masked(renderTranscription(r, `${base(req)}/transcription/${r.numericId}`), res.masks));
    return halPage('transcriptions', items, { url: `${req.protocol}://${req.host}${req.url}`, page, pageSize, total: res.total, more: res.nextCursor !== undefined });
  });

  /** The transcript behind `transcription_url`, as the caller may read it (redacted without originals:read). */
  app.get<{ Params: Params }>('/api/transcription/:recordingId', hide, async (req) => {
    const p = principalOf(req);
    const rec = await vault.recordings.getByNumericId(p, numericIdOf(req.params.recordingId));
    const { transcript, redacted } = await vault.transcripts.transcript(p, rec.id);
    return {
      recording_id: rec.numericId, language: transcript.language, redacted,
      segments: transcript.cues.map((c) => ({ speaker: c.speaker, channel: c.channel, start: c.startMs, end: c.endMs, text: c.text })),
    };
  });

  /** The audio behind `download_url`: the stored file (redacted copy for callers without originals:read), with Range. */
  app.get<{ Params: Params }>('/api/audio/recording/:recordingId', hide, async (req, reply) => {
    const p = principalOf(req);
    const rec = await vault.recordings.getByNumericId(p, numericIdOf(req.params.recordingId));
    const file = audioOf(rec);
    if (!file) throw notFound(`the audio of recording ${rec.numericId}`);
    const media = await vault.media.find(p, rec.id, file.id, 'original');
    const size = media.file.size;
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${size}`);
      throw new VaultError(ErrorCode.RANGE_NOT_SATISFIABLE, `range ${req.headers.range ?? ''} is outside the recording's ${size} bytes`);
    }
    const name = media.served === 'original' ? fileNameOf(rec, file) : `${rec.numericId}.${media.served.split('.').pop()}`;
    reply.type(media.file.mimeType).header('accept-ranges', 'bytes').header('content-disposition', `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`);
    if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
    else reply.header('content-length', size);
    return reply.send(await vault.media.open(media, range));
  });

  exportRoutes(app, vault, { base, scopeFilter });
}
