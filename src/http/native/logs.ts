import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Vault } from '../../context.js';
import { forbidden, invalid } from '../../core/errors.js';
import type { Principal, Scope } from '../../core/principals.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../core/query.js';
import {
  AUDIT_ACTIONS, AUDIT_ITEMS, AUDIT_OUTCOMES, HTTP_METHODS, LOG_TYPES, PRINCIPAL_KINDS, SYSTEM_ACTIVITY_TYPES,
} from '../../audit/model.js';
import { ACTIVITY_SORT, AUDIT_SORT, SYSTEM_SORT, systemScope } from '../../audit/query.js';
import { principalOf } from '../auth.js';
import { ErrorSchema } from './schemas.js';
import { parseIsoTime } from '../time.js';

const WEEK = 7 * 86_400_000;
const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const Time = (description: string) => Type.Optional(Type.String({ pattern: TIME.source, maxLength: 40, description }));
const List = (description: string) => Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, description: `${description} (repeat the parameter or separate values with commas)` }));
const Text = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 200, description }));
const Sort = (fields: readonly string[]) => Type.Optional(Type.String({ pattern: `^-?(${fields.join('|')})$`, description: 'field or -field (descending); default -time' }));
const Enum = (values: readonly string[]) => Type.String({ enum: [...values] });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

const windowParams = {
  from: Time('Earliest time (inclusive), ISO 8601; default one week before `to`'),
  to: Time('Latest time (inclusive), ISO 8601; default now'),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
};

const AuditParams = Type.Object({
  ...windowParams,
  item: List(`Item types: ${AUDIT_ITEMS.join(', ')}`),
  action: List(`Actions: ${AUDIT_ACTIONS.join(', ')}`),
  outcome: List(`Outcomes: ${AUDIT_OUTCOMES.join(', ')}`),
  principal: Type.Optional(Type.String({ maxLength: 128, description: 'Principal (client or user) id' })),
  userFullName: Text("Part of the principal's display name (case-insensitive)"),
  description: Text('Part of the description (case-insensitive)'),
  objectId: Type.Optional(Type.String({ maxLength: 128, description: 'Id of the object acted on (a recording id…)' })),
  sort: Sort(AUDIT_SORT),
}, { additionalProperties: false });

const ActivityParams = Type.Object({
  ...windowParams,
  method: List(`HTTP methods: ${HTTP_METHODS.join(', ')}`),
  status: List('Status codes (401) or classes (4xx)'),
  clientId: Type.Optional(Type.String({ maxLength: 128 })),
  principal: Type.Optional(Type.String({ maxLength: 128, description: 'Principal (client or user) id' })),
  request: Text('Part of the request line (case-insensitive)'),
  sort: Sort(ACTIVITY_SORT),
}, { additionalProperties: false });

const SystemParams = Type.Object({
  ...windowParams,
  logType: List(`Log types: ${LOG_TYPES.join(', ')}`),
  systemActivityType: List(`Subsystems: ${SYSTEM_ACTIVITY_TYPES.join(', ')}`),
  description: Text('Part of the description (case-insensitive)'),
  sort: Sort(SYSTEM_SORT),
}, { additionalProperties: false });

const Page = <T extends TSchema>(entry: T) => Type.Object({
  data: Type.Array(entry), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer({ description: 'Entries matching the filters' }),
});

const AuditEntrySchema = Type.Object({
  id: Type.String(), seq: Type.Integer({ description: "Position in the account's chain" }), time: DateTime,
  item: Enum(AUDIT_ITEMS), action: Enum(AUDIT_ACTIONS), outcome: Enum(AUDIT_OUTCOMES),
  principal: Type.Object({ id: Nullable(Type.String()), kind: Enum(PRINCIPAL_KINDS), name: Nullable(Type.String()) }),
  description: Type.String(), ip: Nullable(Type.String()), requestId: Nullable(Type.String()), objectId: Nullable(Type.String()),
  prevHash: Type.String(), hash: Type.String({ description: 'SHA-256 of this entry and prevHash (docs/logs.md)' }),
});

const ActivityEntrySchema = Type.Object({
  id: Type.String(), time: DateTime, method: Type.String(), request: Type.String({ description: 'Method and path; secret query values masked' }),
  clientId: Nullable(Type.String()), principalId: Nullable(Type.String()), status: Type.Integer(),
  durationMs: Type.Integer(), errorDetails: Nullable(Type.String()), requestId: Nullable(Type.String()), ip: Nullable(Type.String()),
});

const SystemEntrySchema = Type.Object({
  id: Type.String(), time: DateTime, logType: Enum(LOG_TYPES), systemActivityType: Enum(SYSTEM_ACTIVITY_TYPES),
  description: Type.String(), alarmKey: Nullable(Type.String()), data: Nullable(Type.Object({}, { additionalProperties: true })),
});

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema, 500: ErrorSchema };


/** The time window (default: the week before `to`, like the Interaction Insights API), page and sort. */
function window<F extends string>(p: { from?: string; to?: string; page?: number; pageSize?: number; sort?: string }, _fields: readonly F[]) {
  const to = p.to ? parseIsoTime('to', p.to) : Date.now();
  const from = p.from ? parseIsoTime('from', p.from) : to - WEEK;
  if (from > to) throw invalid("'from' must not be after 'to'", { field: 'from' });
  const sort = p.sort ?? '-time';
  const desc = sort.startsWith('-');
  return { from, to, page: p.page ?? 1, pageSize: p.pageSize ?? DEFAULT_PAGE_SIZE, sort: { field: (desc ? sort.slice(1) : sort) as F, desc } };
}

function values(name: string, raw: string[] | undefined, allowed?: readonly string[]): string[] | undefined {
  if (!raw) return undefined;
  const out = raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const v of out) {
    if (allowed && !allowed.includes(v)) throw invalid(`${name}: '${v}' is not one of ${allowed.join(', ')}`, { field: name });
  }
  return out.length ? out : undefined;
}

function needs(p: Principal, scope: Scope): Principal {
  if (!p.scopes.has(scope) && !p.scopes.has('admin')) throw forbidden(`this log needs the '${scope}' scope`);
  return p;
}

const iso = (ms: number) => new Date(ms).toISOString();
const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : { [k]: v } as Record<K, V>);

/** Native endpoints for the audit trail and the activity logs: account-scoped, except the global system log. */
export function logRoutes(app: FastifyInstance, vault: Vault): void {
  app.get<{ Querystring: Static<typeof AuditParams> }>('/audit-logs', {
    schema: {
      tags: ['logs'], summary: "The account's audit trail (scope logs:read)", security: [{ bearer: [] }],
      querystring: AuditParams, response: { 200: Page(AuditEntrySchema), ...errors },
    },
  }, async (req) => {
    const p = needs(principalOf(req), 'logs:read');
    const q = req.query;
    const w = window(q, AUDIT_SORT);
    await vault.logs.flush();
    const page = await vault.logs.listAudit({
      ...w, accountId: p.accountId,
      ...opt('item', values('item', q.item, AUDIT_ITEMS)), ...opt('action', values('action', q.action, AUDIT_ACTIONS)),
      ...opt('outcome', values('outcome', q.outcome, AUDIT_OUTCOMES)), ...opt('principalId', q.principal),
      ...opt('principalName', q.userFullName), ...opt('description', q.description), ...opt('objectId', q.objectId),
    });
    return {
      page: w.page, pageSize: w.pageSize, total: page.total,
      data: page.items.map((e) => ({
        id: e.id, seq: e.seq, time: iso(e.at), item: e.item, action: e.action, outcome: e.outcome,
        principal: { id: e.principalId, kind: e.principalKind, name: e.principalName }, description: e.description,
        ip: e.ip, requestId: e.requestId, objectId: e.objectId, prevHash: e.prevHash, hash: e.hash,
      })),
    };
  });

  app.get<{ Querystring: Static<typeof ActivityParams> }>('/api-activity-logs', {
    schema: {
      tags: ['logs'], summary: "The account's API activity log: one entry per request (scope logs:read)", security: [{ bearer: [] }],
      querystring: ActivityParams, response: { 200: Page(ActivityEntrySchema), ...errors },
    },
  }, async (req) => {
    const p = needs(principalOf(req), 'logs:read');
    const q = req.query;
    const w = window(q, ACTIVITY_SORT);
    const status = values('status', q.status)?.map((s) => {
      if (!/^[1-5](\d\d|xx)$/i.test(s)) throw invalid(`status: '${s}' is not a status code (like 404) or class (like 4xx)`, { field: 'status' });
      return s.toLowerCase();
    });
    const codes = status?.flatMap((s) => (s.endsWith('xx') ? Array.from({ length: 100 }, (_, i) => Number(s[0]) * 100 + i) : [Number(s)]));
    await vault.logs.flush();
    const page = await vault.logs.listActivity({
      ...w, accountId: p.accountId,
      ...opt('method', values('method', q.method?.map((m) => m.toLowerCase()), HTTP_METHODS)), ...opt('status', codes),
      ...opt('clientId', q.clientId), ...opt('principalId', q.principal), ...opt('request', q.request),
    });
    return {
      page: w.page, pageSize: w.pageSize, total: page.total,
      data: page.items.map((e) => ({
        id: e.id, time: iso(e.at), method: e.method, request: e.requestLine, clientId: e.clientId, principalId: e.principalId,
        status: e.status, durationMs: e.durationMs, errorDetails: e.errorDetails, requestId: e.requestId, ip: e.ip,
      })),
    };
  });

  app.get<{ Querystring: Static<typeof SystemParams> }>('/system-activity-logs', {
    schema: {
      tags: ['logs'], summary: 'The system activity log, shared by all accounts (scope logs:read: the server\'s own events and those of the caller\'s account; admin: all)', security: [{ bearer: [] }],
      querystring: SystemParams, response: { 200: Page(SystemEntrySchema), ...errors },
    },
  }, async (req) => {
    const p = needs(principalOf(req), 'logs:read');
    const q = req.query;
    const w = window(q, SYSTEM_SORT);
    await vault.logs.flush();
    const page = await vault.logs.listSystem({
      ...w, ...systemScope(p),
      ...opt('logType', values('logType', q.logType, LOG_TYPES)),
      ...opt('activityType', values('systemActivityType', q.systemActivityType, SYSTEM_ACTIVITY_TYPES)),
      ...opt('description', q.description),
    });
    return {
      page: w.page, pageSize: w.pageSize, total: page.total,
      data: page.items.map((e) => ({
        id: e.id, time: iso(e.at), logType: e.logType, systemActivityType: e.activityType, description: e.description,
        alarmKey: e.alarmKey, data: e.data,
      })),
    };
  });
}
