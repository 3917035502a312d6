import type { ApiActivityEntry, AuditEntry, SystemEvent } from './model.js';

/** How a log list is asked for, whatever the door: a time window, filters, one sort key, a page. */
interface Window {
  /** Inclusive bounds, epoch ms. */
  from: number;
  to: number;
  page: number;
  pageSize: number;
}

export const AUDIT_SORT = ['time', 'item', 'action', 'outcome', 'principal'] as const;
export const ACTIVITY_SORT = ['time', 'status', 'durationMs', 'method'] as const;
export const SYSTEM_SORT = ['time', 'logType', 'systemActivityType'] as const;

export interface AuditQuery extends Window {
  accountId: string;
  item?: string[];
  action?: string[];
  outcome?: string[];
  /** Exact principal id. */
  principalId?: string;
  /** Case-insensitive substring of the principal's display name. */
  principalName?: string;
  /** Case-insensitive substring of the description. */
  description?: string;
  objectId?: string;
  sort: { field: (typeof AUDIT_SORT)[number]; desc: boolean };
}

export interface ActivityQuery extends Window {
  accountId: string;
  /** Lower-case HTTP methods. */
  method?: string[];
  status?: number[];
  clientId?: string;
  principalId?: string;
  /** Case-insensitive substring of the request line. */
  request?: string;
  sort: { field: (typeof ACTIVITY_SORT)[number]; desc: boolean };
}

export interface SystemQuery extends Window {
  logType?: string[];
  activityType?: string[];
  description?: string;
  sort: { field: (typeof SYSTEM_SORT)[number]; desc: boolean };
}

export interface LogPage<T> { items: T[]; total: number }

export type { ApiActivityEntry, AuditEntry, SystemEvent };
