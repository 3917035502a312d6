import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Vault } from '../../../context.js';
import { forbidden, invalid, notFound } from '../../../core/errors.js';
import type { ExportJob, ExportKind } from '../../../core/exports.js';
import type { RecordingFilter } from '../../../core/query.js';
import { principalOf } from '../../auth.js';
import { vonageTime } from './envelope.js';
import { checkAccount, toFilter, toPaging, userOf, type Source } from './params.js';
import { halPage } from './render.js';

type Params = { accountId: string; userId?: string; jobId?: string };

/** The two families of jobs: each has its own list and its own download path. */
const FAMILY = {
  recordings: { jobs: 'call_recordings/jobs', retrieve: 'bulkDownload/retrieve' },
  recordings_transcriptions: { jobs: 'call_recordings/recordings_transcriptions/jobs', retrieve: 'bulkDownload/recordings_transcriptions/retrieve' },
} as const satisfies Record<ExportKind, unknown>;

/** `pending`, `in_progress`, `complete` (the document's word), `failed`, `expired`. */
function renderJob(job: ExportJob, base: string, user: string) {
  const f = FAMILY[job.kind];
  return {
    _links: { self: { href: `${base}/accounts/${job.accountId}/users/${encodeURIComponent(user)}/${f.jobs}/${job.id}` } },
    download_url: `${base}/${f.retrieve}?jobId=${job.id}`,
    files_completed: job.filesCompleted,
    files_total: job.filesTotal,
    id: job.id,
    status: job.status,
    valid_until: job.validUntil ? vonageTime(job.validUntil) : null,
  };
}

/** A job's user: export jobs are their creator's; `self` (or one's own id) is the only user whose jobs one reads. */
function ownUser(req: FastifyRequest<{ Params: Params }>): string {
  const p = principalOf(req);
  checkAccount(p, req.params.accountId);
  const u = req.params.userId!;
  if (u !== 'self' && u !== p.id && u.toLowerCase() !== p.upn?.toLowerCase()) throw forbidden('export jobs can be read only by the user who created them');
  return u;
}

/** The filters of an export request's JSON body (the same names as the list's query). */
function bodyFilter(body: unknown): RecordingFilter {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be a JSON object of filters');
  return toFilter(body as Source);
}

/**
 * Export jobs: created from the company, on-demand and recordings+transcriptions export
 * endpoints (202 with `job_ids`), followed through the user's job lists, and downloaded as a
 * ZIP from `download_url` once `complete`.
 */
export function exportRoutes(app: FastifyInstance, vault: Vault, ctx: {
  base: (req: FastifyRequest) => string;
  scopeFilter: (f: RecordingFilter, user?: string) => RecordingFilter;
}): void {
  const hide = { schema: { hide: true } };

  const create = async (req: FastifyRequest<{ Params: Params; Body: unknown }>, reply: FastifyReply, kind: ExportKind, user?: string) => {
    const p = principalOf(req);
    const job = await vault.exports.create(p, kind, { filter: ctx.scopeFilter(bodyFilter(req.body), user), sort: { field: 'startTime', desc: true } });
    return reply.code(202).send({ job_ids: [job.id] });
  };
  app.post<{ Params: Params; Body: unknown }>('/api/accounts/:accountId/company_call_recordings/export', hide, async (req, reply) => {
    checkAccount(principalOf(req), req.params.accountId);
    return create(req, reply, 'recordings');
  });
  app.post<{ Params: Params; Body: unknown }>('/api/accounts/:accountId/company_call_recordings/recordings_transcriptions/export', hide, async (req, reply) => {
    checkAccount(principalOf(req), req.params.accountId);
    return create(req, reply, 'recordings_transcriptions');
  });
  app.post<{ Params: Params; Body: unknown }>('/api/accounts/:accountId/users/:userId/call_recordings/export', hide, async (req, reply) => {
    const p = principalOf(req);
    checkAccount(p, req.params.accountId);
    return create(req, reply, 'recordings', userOf(p, req.params.userId!));
  });

  for (const kind of ['recordings', 'recordings_transcriptions'] as const) {
    const path = `/api/accounts/:accountId/users/:userId/${FAMILY[kind].jobs}`;
    app.get<{ Params: Params; Querystring: Source }>(path, hide, async (req) => {
      const user = ownUser(req);
      const { page, pageSize } = toPaging(req.query);
      const status = typeof req.query.status === 'string' && req.query.status !== '' ? req.query.status.toLowerCase() : undefined;
      const res = await vault.exports.list(principalOf(req), [kind], { ...(status ? { status } : {}), offset: (page - 1) * pageSize, limit: pageSize });
      const base = ctx.base(req);
      return halPage('jobs', res.items.map((j) => renderJob(j, base, user)), { url: `${req.protocol}://${req.host}${req.url}`, page, pageSize, total: res.total });
    });
    app.get<{ Params: Params }>(`${path}/:jobId`, hide, async (req) => {
      const user = ownUser(req);
      return renderJob(await vault.exports.get(principalOf(req), req.params.jobId!, [kind]), ctx.base(req), user);
    });
    app.get<{ Querystring: Source }>(`/api/${FAMILY[kind].retrieve}`, hide, async (req, reply) => {
      const id = req.query.jobId ?? req.query.job_id;
      if (typeof id !== 'string' || id === '') throw notFound('export job (no jobId given)');
      const { job, stream } = await vault.exports.open(principalOf(req), id, [kind]);
      reply.type('application/zip').header('content-disposition', `attachment; filename="${job.id}.zip"`);
      if (job.size !== null) reply.header('content-length', job.size);
      return reply.send(stream);
    });
  }
}
