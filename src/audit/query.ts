import type { Principal } from '../core/principals.js';
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
  /**
   * Only events of this account (their data names it) or of none (the server's own): what a
   * principal without `admin` may see of the log the accounts share.
   */
  accountId?: string;
  logType?: string[];
  activityType?: string[];
  description?: string;
  sort: { field: (typeof SYSTEM_SORT)[number]; desc: boolean };
}

export interface LogPage<T> { items: T[]; total: number }

export type { ApiActivityEntry, AuditEntry, SystemEvent };

/** The system log is shared: without `admin`, a principal sees the server's own events and its account's. */
export const systemScope = (p: Principal): { accountId?: string } => (p.scopes.has('admin') ? {} : { accountId: p.accountId });
