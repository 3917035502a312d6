import { invalid } from '../../../core/errors.js';
import { AUDIT_ACTIONS, HTTP_METHODS, LOG_TYPES, SYSTEM_ACTIVITY_TYPES, type AuditAction } from '../../../audit/model.js';
import type { ACTIVITY_SORT, AUDIT_SORT, SYSTEM_SORT } from '../../../audit/query.js';
import { compactTable, enumValues, parseFilter, type Criterion } from './filter.js';
import { filterTime, paging, sortOf } from './params.js';

const WEEK = 7 * 86_400_000;

export const ACTIVITY_KEYS = ['from', 'to', 'action'] as const;
export const AUDIT_KEYS = ['from', 'to', 'action', 'userFullName', 'description'] as const;
export const SYSTEM_KEYS = ['from', 'to', 'logType', 'systemActivityType'] as const;

/**
 * The audit trail's `action` filter: the audit actions of section 2.2.2's response. Its filter
 * table lists the HTTP methods instead (copied from the activity log); those are accepted too,
 * meaning what each method does to a resource.
 */
const AUDIT_ACTION = compactTable(AUDIT_ACTIONS, {
  get: 'view', head: 'access', options: 'access', connect: 'access', trace: 'access', post: 'add', put: 'modify', patch: 'modify',
} as Record<string, AuditAction>);

/** The one-week default window of the log endpoints, its page and its sort. */
function logWindow<F extends string>(c: Map<string, Criterion>, q: { sort?: string; page?: string; pageSize?: string }, sorts: Record<string, F>, time: F) {
  const to = filterTime(c.get('to'), true) ?? Date.now();
  const from = filterTime(c.get('from'), false) ?? to - WEEK;
  if (from > to) throw invalid("filter: 'from' is after 'to'", { field: 'filter' });
  return { from, to, ...paging(q), sort: sortOf(q.sort, sorts, { field: time, desc: true }) };
}

/** One text value (a contains-match) of a criterion. */
function oneText(c: Criterion | undefined): string | undefined {
  if (!c) return undefined;
  if (c.values.length > 1) throw invalid(`filter: '${c.key}' takes one value`, { field: 'filter' });
  return c.values[0];
}

type Q = { filter?: string; sort?: string; page?: string; pageSize?: string };

export function activityQuery(q: Q) {
  const c = parseFilter(q.filter, ACTIVITY_KEYS);
  const sorts: Record<string, (typeof ACTIVITY_SORT)[number]> = { timestamp: 'time', action: 'method', responsetime: 'durationMs', createdat: 'time' };
  const method = enumValues(c.get('action'), compactTable(HTTP_METHODS));
  return { ...logWindow(c, q, sorts, 'time'), ...(method ? { method } : {}) };
}

export function auditQuery(q: Q) {
  const c = parseFilter(q.filter, AUDIT_KEYS);
  const sorts: Record<string, (typeof AUDIT_SORT)[number]> = { timestamp: 'time', item: 'item', action: 'action', userfullname: 'principal', createdat: 'time' };
  const action = enumValues(c.get('action'), AUDIT_ACTION);
  const principalName = oneText(c.get('userfullname'));
  const description = oneText(c.get('description'));
  return {
    ...logWindow(c, q, sorts, 'time'),
    ...(action ? { action } : {}), ...(principalName ? { principalName } : {}), ...(description ? { description } : {}),
  };
}

export function systemQuery(q: Q) {
  const c = parseFilter(q.filter, SYSTEM_KEYS);
  const sorts: Record<string, (typeof SYSTEM_SORT)[number]> = { timestamp: 'time', logtype: 'logType', systemactivitytype: 'systemActivityType', createdat: 'time' };
  const logType = enumValues(c.get('logtype'), compactTable(LOG_TYPES));
  const activityType = enumValues(c.get('systemactivitytype'), compactTable(SYSTEM_ACTIVITY_TYPES));
  return { ...logWindow(c, q, sorts, 'time'), ...(logType ? { logType } : {}), ...(activityType ? { activityType } : {}) };
}
