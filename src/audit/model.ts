/**
 * What the audit trail and the two activity logs hold. The enumerations are those of the
 * Interaction Insights spec (section 4.1), so its dialect can serve these rows as they are.
 */

export const AUDIT_ITEMS = [
  'defaultAdmin', 'recordingProfile', 'deviceRecordingProfile', 'analyticsProfile', 'classificationProfile', 'accessProfile',
  'group', 'user', 'device', 'call', 'tag', 'note', 'tenant', 'legalHold', 'autoSyncWithAad', 'quickStart', 'auditTrail',
  'interactions', 'userCallStatus', 'connectToM365', 'systemActivityLog', 'tools', 'branding', 'licenses', 'storage',
  'auditTail', 'helpCenter', 'myActiveCalls', 'logo', 'aiCustomTemplate', 'userLanguage', 'teamsApp', 'instantMessages',
  'transcript', 'aiInsights', 'aiPreBuildTemplate', 'licensingProfile', 'apiConfiguration', 'apiActivityLogs',
] as const;
export type AuditItem = (typeof AUDIT_ITEMS)[number];

export const AUDIT_ACTIONS = [
  'login', 'logout', 'add', 'modify', 'view', 'delete', 'export', 'play', 'sendMail', 'disabled', 'access', 'upload',
  'download', 'publish', 'suspend', 'unSuspend',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `failed` is ours (not the spec's): the server broke (5xx), so the action may not have happened. */
export const AUDIT_OUTCOMES = ['success', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** `unknown`: a refused caller whose credentials did not check out (only a claimed id, if any). */
export const PRINCIPAL_KINDS = ['client', 'user', 'unknown'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options', 'connect', 'trace'] as const;

export const LOG_TYPES = ['info', 'alarm', 'alarmClear', 'warning', 'warningClear', 'error', 'errorClear'] as const;
export type LogType = (typeof LOG_TYPES)[number];

export const SYSTEM_ACTIVITY_TYPES = [
  'license', 'storage', 'configuration', 'ai', 'aadConnection', 'meetings', 'aadSync', 'script', 'users', 'tenant',
  'instantMessages', 'smartSearchIndex',
] as const;
export type SystemActivityType = (typeof SYSTEM_ACTIVITY_TYPES)[number];

/** The raising types of keyed conditions and the type that records their end. */
export type RaiseType = 'alarm' | 'warning' | 'error';
export const CLEAR_OF: Record<RaiseType, LogType> = { alarm: 'alarmClear', warning: 'warningClear', error: 'errorClear' };

/** Entries of refusals nobody could be tied to (bad token, unknown client) chain here. */
export const UNATTRIBUTED = '';

/** One audit entry as the caller hands it over; sequence and hashes are added when it is chained. */
export interface AuditInput {
  accountId: string;
  item: AuditItem;
  action: AuditAction;
  outcome: AuditOutcome;
  principalId: string | null;
  principalKind: PrincipalKind;
  principalName: string | null;
  description: string;
  ip: string | null;
  requestId: string | null;
  objectId: string | null;
}

export interface AuditEntry extends AuditInput {
  id: string;
  /** Position in the account's chain: 1, 2, 3… with no gaps. */
  seq: number;
  /** Epoch milliseconds. */
  at: number;
  prevHash: string;
  hash: string;
}

export interface ApiActivityInput {
  accountId: string;
  at: number;
  method: string;
  /** Method and path, query secrets masked. */
  requestLine: string;
  clientId: string | null;
  principalId: string | null;
  status: number;
  durationMs: number;
  errorDetails: string | null;
  requestId: string | null;
  ip: string | null;
}

export interface ApiActivityEntry extends ApiActivityInput { id: string }

export interface SystemEventInput {
  at: number;
  logType: LogType;
  activityType: SystemActivityType;
  description: string;
  alarmKey: string | null;
  data: Record<string, unknown> | null;
}

export interface SystemEvent extends SystemEventInput { id: string }
