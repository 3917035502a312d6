import type { AuditAction, AuditItem } from './model.js';

/** What the audit hook knows about a finished request (no HTTP types: easy to test and to extend). */
export interface FinishedRequest {
  method: string;
  /** The matched route pattern with its prefix, e.g. '/api/v1/recordings/:id'. */
  route: string;
  params: Record<string, string | undefined>;
  /** Decoded query parameters (secrets masked), for descriptions. */
  query: Array<[string, string]>;
  body: unknown;
  status: number;
  hasRange: boolean;
  contentType: string;
  /** The Location header of the answer (where a created recording lives). */
  location: string | undefined;
  /** The client id a token request named (checked or not). */
  claimedId: string | null;
}

/** One audit entry a request stands for. `did` reads as done ("viewed recording X"), `tried` as attempted. */
export interface RouteEvent { item: AuditItem; action: AuditAction; objectId: string | null; did: string; tried: string }

type Mapper = (r: FinishedRequest) => RouteEvent[];

const ev = (item: AuditItem, action: AuditAction, objectId: string | null, did: string, tried: string): RouteEvent =>
  ({ item, action, objectId, did, tried });

function filterText(r: FinishedRequest): string {
  const text = r.query.map(([k, v]) => `${k}=${v}`).join(', ');
  return text ? ` (${text.length > 400 ? `${text.slice(0, 400)}…` : text})` : '';
}

const list = (v: unknown): string => (Array.isArray(v)
  ? v.map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x !== null ? String((x as { tagName?: unknown; content?: unknown }).tagName ?? 'note') : '?')).join(', ')
  : '');

function patchEvents(r: FinishedRequest): RouteEvent[] {
  const id = r.params.id ?? null;
  const body = (typeof r.body === 'object' && r.body !== null ? r.body : {}) as Record<string, unknown>;
  const fields = Object.keys(body);
  const out = [ev('call', 'modify', id, `modified recording ${id}${fields.length ? ` (${fields.join(', ')})` : ''}`, `modify recording ${id}`)];
  if (typeof body.legalHold === 'boolean') {
    out.push(body.legalHold
      ? ev('legalHold', 'modify', id, `placed recording ${id} under legal hold`, `place recording ${id} under legal hold`)
      : ev('legalHold', 'modify', id, `released the legal hold on recording ${id}`, `release the legal hold on recording ${id}`));
  }
  const edits: Array<[string, AuditItem, AuditAction, string, string]> = [
    ['addTags', 'tag', 'add', 'added tags', 'add tags'], ['removeTags', 'tag', 'delete', 'removed tags', 'remove tags'],
    ['tags', 'tag', 'modify', 'replaced the tags with', 'replace the tags with'],
    ['addNotes', 'note', 'add', 'added notes', 'add notes'], ['removeNotes', 'note', 'delete', 'removed notes', 'remove notes'],
    ['notes', 'note', 'modify', 'replaced the notes with', 'replace the notes with'],
  ];
  for (const [field, item, action, did, tried] of edits) {
    if (!(field in body)) continue;
    const what = list(body[field]);
    out.push(ev(item, action, id, `${did} ${what || '(none)'} on recording ${id}`, `${tried} ${what || '(none)'} on recording ${id}`));
  }
  return out;
}

function mediaRead(r: FinishedRequest): RouteEvent[] {
  const { id = null, mediaId } = r.params;
  const what = `media ${mediaId} of recording ${id}`;
  if (r.method === 'HEAD') return [ev('call', 'access', id, `checked ${what} (HEAD)`, `check ${what} (HEAD)`)];
  if (r.hasRange) return [ev('call', 'play', id, `played ${what}`, `play ${what}`)];
  return [ev('call', 'download', id, `downloaded ${what}`, `download ${what}`)];
}

function genesysSearch(r: FinishedRequest): RouteEvent[] {
  return [ev('interactions', 'view', null, `listed recordings (Genesys)${filterText(r)}`, `list recordings (Genesys)${filterText(r)}`)];
}

/** The Genesys media routes end in `<mediaId>.mp3`; fetching it is a download of that file. */
function genesysMedia(r: FinishedRequest): RouteEvent[] {
  const id = r.params.id ?? null;
  const what = `media ${(r.params.file ?? '').replace(/\.mp3$/, '')} of recording ${id} (Genesys, MP3)`;
  return r.hasRange ? [ev('call', 'play', id, `played ${what}`, `play ${what}`)] : [ev('call', 'download', id, `downloaded ${what}`, `download ${what}`)];
}

function genesysSettings(r: FinishedRequest): RouteEvent[] {
  const b = (typeof r.body === 'object' && r.body !== null ? r.body : {}) as { name?: unknown; value?: unknown; settings?: unknown };
  const items = Array.isArray(b.settings) ? b.settings as Array<{ name?: unknown; value?: unknown }> : [b];
  const what = items.map((i) => `${String(i?.name ?? '?')}: ${Array.isArray(i?.value) ? i.value.join(', ') : String(i?.value ?? '')}`).join('; ');
  return [ev('tenant', 'modify', null, `changed the privacy masking settings (Genesys; ${what})`, `change the privacy masking settings (Genesys; ${what})`)];
}

/**
 * The Vonage door serves the same routes under each of these prefixes (the door's own list is
 * VONAGE_PREFIXES in src/http/dialects/vonage/envelope.ts; a test keeps the two equal).
 */
export const VONAGE_AUDIT_PREFIXES = ['', '/v1', '/t/vbc.prod/call_recording', '/t/vbc.prod/call_recording/v1'];

const vonageId = (r: FinishedRequest) => r.params.recordingId ?? null;
const vonageJob = (r: FinishedRequest) => r.params.jobId ?? r.query.find(([k]) => k === 'jobId' || k === 'job_id')?.[1] ?? null;
const vonageExport = (what: string) => (r: FinishedRequest): RouteEvent[] =>
  [ev('call', 'export', null, `asked for an export of ${what} (Vonage)${filterText({ ...r, query: Object.entries((r.body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]) })}`, `ask for an export of ${what} (Vonage)`)];

/** The Vonage door's routes (recording ids are Vonage's numeric ids), once per prefix. */
const VONAGE_ROUTES: Record<string, Mapper> = {
  'GET /api/accounts/:accountId/company_call_recordings': (r) => [ev('interactions', 'view', null, `listed company recordings (Vonage)${filterText(r)}`, `list company recordings (Vonage)${filterText(r)}`)],
  'GET /api/accounts/:accountId/company_call_recordings/:recordingId': (r) => [ev('call', 'view', vonageId(r), `viewed recording #${vonageId(r)} (Vonage)`, `view recording #${vonageId(r)} (Vonage)`)],
  'DELETE /api/accounts/:accountId/company_call_recordings/:recordingId': (r) => [ev('call', 'delete', vonageId(r), `deleted recording #${vonageId(r)} (Vonage)`, `delete recording #${vonageId(r)} (Vonage)`)],
  'GET /api/accounts/:accountId/company_call_recordings/transcriptions': (r) => [ev('transcript', 'view', null, `listed transcription statuses (Vonage)${filterText(r)}`, `list transcription statuses (Vonage)${filterText(r)}`)],
  'POST /api/accounts/:accountId/company_call_recordings/export': vonageExport('company recordings'),
  'POST /api/accounts/:accountId/company_call_recordings/recordings_transcriptions/export': vonageExport('company recordings and transcripts'),
  'GET /api/accounts/:accountId/users/:userId/call_recordings': (r) => [ev('interactions', 'view', null, `listed the on-demand recordings of user ${r.params.userId} (Vonage)${filterText(r)}`, `list the on-demand recordings of user ${r.params.userId} (Vonage)`)],
  'GET /api/accounts/:accountId/users/:userId/call_recordings/:recordingId': (r) => [ev('call', 'view', vonageId(r), `viewed recording #${vonageId(r)} (Vonage, on demand)`, `view recording #${vonageId(r)} (Vonage, on demand)`)],
  'DELETE /api/accounts/:accountId/users/:userId/call_recordings/:recordingId': (r) => [ev('call', 'delete', vonageId(r), `deleted recording #${vonageId(r)} (Vonage, on demand)`, `delete recording #${vonageId(r)} (Vonage, on demand)`)],
  'POST /api/accounts/:accountId/users/:userId/call_recordings/export': (r) => vonageExport(`the on-demand recordings of user ${r.params.userId}`)(r),
  'GET /api/accounts/:accountId/users/:userId/call_recordings/jobs': () => [ev('call', 'view', null, 'listed its export jobs (Vonage)', 'list its export jobs (Vonage)')],
  'GET /api/accounts/:accountId/users/:userId/call_recordings/jobs/:jobId': (r) => [ev('call', 'view', null, `viewed export job ${vonageJob(r)} (Vonage)`, `view export job ${vonageJob(r)} (Vonage)`)],
  'GET /api/accounts/:accountId/users/:userId/call_recordings/recordings_transcriptions/jobs': () => [ev('call', 'view', null, 'listed its recording and transcript export jobs (Vonage)', 'list its recording and transcript export jobs (Vonage)')],
  'GET /api/accounts/:accountId/users/:userId/call_recordings/recordings_transcriptions/jobs/:jobId': (r) => [ev('call', 'view', null, `viewed export job ${vonageJob(r)} (Vonage)`, `view export job ${vonageJob(r)} (Vonage)`)],
  'GET /api/bulkDownload/retrieve': (r) => [ev('call', 'download', null, `downloaded export ${vonageJob(r)} (Vonage)`, `download export ${vonageJob(r)} (Vonage)`)],
  'GET /api/bulkDownload/recordings_transcriptions/retrieve': (r) => [ev('call', 'download', null, `downloaded export ${vonageJob(r)} with transcripts (Vonage)`, `download export ${vonageJob(r)} with transcripts (Vonage)`)],
  'GET /api/audio/recording/:recordingId': (r) => [r.hasRange
    ? ev('call', 'play', vonageId(r), `played the audio of recording #${vonageId(r)} (Vonage)`, `play the audio of recording #${vonageId(r)} (Vonage)`)
    : ev('call', 'download', vonageId(r), `downloaded the audio of recording #${vonageId(r)} (Vonage)`, `download the audio of recording #${vonageId(r)} (Vonage)`)],
  'GET /api/transcription/:recordingId': (r) => [ev('transcript', 'view', vonageId(r), `viewed the transcript of recording #${vonageId(r)} (Vonage)`, `view the transcript of recording #${vonageId(r)} (Vonage)`)],
};

/** Vonage's routes under every prefix it is served at. */
export const VONAGE_ROUTE_EVENTS: Record<string, Mapper> = Object.fromEntries(VONAGE_AUDIT_PREFIXES.flatMap((prefix) =>
  Object.entries(VONAGE_ROUTES).map(([key, mapper]) => {
    const [method, path] = key.split(' ') as [string, string];
    return [`${method} ${prefix}${path}`, mapper];
  })));

/**
 * Route → audit entries, keyed by `METHOD route`. A door that adds routes adds its lines here;
 * routes not listed still get a generic entry (see fallbackEvents).
 */
export const ROUTE_EVENTS: Record<string, Mapper> = {
  'POST /oauth/token': (r) => [ev('user', 'login', r.claimedId, `client ${r.claimedId} signed in (token issued)`, `sign in as client ${r.claimedId ?? '(none named)'}`)],
  'POST /api/v1/auth/login': (r) => [ev('user', 'login', r.claimedId, `user ${r.claimedId} signed in (token issued)`, `sign in as user ${r.claimedId ?? '(none named)'}`)],
  'POST /api/v1/auth/logout': (r) => [ev('user', 'logout', r.claimedId, 'signed out (token revoked)', 'sign out')],
  'GET /api/v1/auth/me': (r) => [ev('user', 'view', r.claimedId, 'looked up its own identity and scopes', 'look up its own identity')],
  'GET /api/v1/settings/privacy': () => [ev('tenant', 'view', null, 'viewed the privacy masking settings', 'view the privacy masking settings')],
  'PUT /api/v1/settings/privacy': (r) => {
    const b = (r.body ?? {}) as { agentFields?: unknown; customerFields?: unknown };
    const what = `agent fields: ${list(b.agentFields) || '(none)'}; customer fields: ${list(b.customerFields) || '(none)'}`;
    return [ev('tenant', 'modify', null, `changed the privacy masking settings (${what})`, `change the privacy masking settings (${what})`)];
  },
  'DELETE /api/v1/settings/privacy': () => [ev('tenant', 'modify', null, 'cleared the privacy masking settings', 'clear the privacy masking settings')],
  'GET /api/v1/recordings': (r) => [ev('interactions', 'view', null, `listed recordings${filterText(r)}`, `list recordings${filterText(r)}`)],
  'GET /api/v1/recordings/:id': (r) => [ev('call', 'view', r.params.id ?? null, `viewed recording ${r.params.id}`, `view recording ${r.params.id}`)],
  'GET /api/v1/recordings/:id/media/:mediaId': mediaRead,
  'HEAD /api/v1/recordings/:id/media/:mediaId': mediaRead,
  'POST /api/v1/recordings': (r) => {
    const id = r.location ? r.location.split('/').pop() ?? null : null;
    return r.contentType.startsWith('multipart/')
      ? [ev('call', 'upload', id, `uploaded recording ${id}`, 'upload a recording')]
      : [ev('call', 'add', id, `added recording ${id} (metadata only)`, 'add a recording (metadata only)')];
  },
  'PUT /api/v1/recordings/:id/media/:mediaId': (r) => [ev('call', 'upload', r.params.id ?? null,
    `uploaded media ${r.params.mediaId} to recording ${r.params.id}`, `upload media ${r.params.mediaId} to recording ${r.params.id}`)],
  'PATCH /api/v1/recordings/:id': patchEvents,
  'DELETE /api/v1/recordings/:id': (r) => {
    const id = r.params.id ?? null;
    const mediaOnly = r.query.some(([k, v]) => k === 'mediaOnly' && v === 'true');
    return [mediaOnly
      ? ev('call', 'delete', id, `deleted the media of recording ${id}`, `delete the media of recording ${id}`)
      : ev('call', 'delete', id, `deleted recording ${id}`, `delete recording ${id}`)];
  },
  'GET /api/v1/recordings/:id/transcript': (r) => [ev('transcript', 'view', r.params.id ?? null, `viewed the transcript of recording ${r.params.id}`, `view the transcript of recording ${r.params.id}`)],
  'POST /api/v1/recordings/:id/transcript': (r) => [ev('transcript', 'add', r.params.id ?? null, `requested a transcript of recording ${r.params.id}`, `request a transcript of recording ${r.params.id}`)],
  'GET /api/v1/recordings/:id/insights': (r) => [ev('aiInsights', 'view', r.params.id ?? null, `viewed the insights of recording ${r.params.id}`, `view the insights of recording ${r.params.id}`)],
  'GET /api/v1/recordings/:id/waveform': (r) => [ev('call', 'view', r.params.id ?? null, `viewed the waveform of recording ${r.params.id}`, `view the waveform of recording ${r.params.id}`)],
  'GET /api/v1/recordings/:id/jobs': (r) => [ev('call', 'view', r.params.id ?? null, `viewed the processing jobs of recording ${r.params.id}`, `view the processing jobs of recording ${r.params.id}`)],
  'GET /api/v1/settings/pipeline': () => [ev('aiInsights', 'view', null, 'viewed the transcription and redaction policy', 'view the transcription and redaction policy')],
  'PUT /api/v1/settings/pipeline': (r) => {
    const b = (typeof r.body === 'object' && r.body !== null ? r.body : {}) as Record<string, unknown>;
    const what = Object.entries(b).map(([k, v]) => `${k}=${String(v)}`).join(', ') || '(nothing)';
    return [ev('aiInsights', 'modify', null, `changed the transcription and redaction policy (${what})`, `change the transcription and redaction policy (${what})`)];
  },
  'GET /v1/recordings': (r) => [ev('interactions', 'view', null, `listed recordings (list v1)${filterText(r)}`, `list recordings (list v1)${filterText(r)}`)],
  'PUT /v2/user_auth': () => [ev('user', 'login', null, 'signed in through the Kazoo door (user_auth)', 'sign in through the Kazoo door (user_auth)')],
  'PUT /v2/api_auth': () => [ev('user', 'login', null, 'signed in through the Kazoo door (api_auth)', 'sign in through the Kazoo door (api_auth)')],
  'GET /v2/accounts/:accountId/recordings': (r) => [ev('interactions', 'view', null, `listed recordings (Kazoo)${filterText(r)}`, `list recordings (Kazoo)${filterText(r)}`)],
  'GET /v2/accounts/:accountId/users/:userId/recordings': (r) => [ev('interactions', 'view', null, `listed the recordings of user ${r.params.userId} (Kazoo)`, `list the recordings of user ${r.params.userId} (Kazoo)`)],
  'GET /v2/accounts/:accountId/recordings/:recordingId': (r) => {
    const id = r.params.recordingId ?? null;
    const audio = r.contentType === '' && r.query.some(([k, v]) => k === 'accept' && v.includes('audio'));
    return [audio ? ev('call', 'download', id, `downloaded the audio of recording ${id} (Kazoo)`, `download the audio of recording ${id} (Kazoo)`)
      : ev('call', 'view', id, `viewed recording ${id} (Kazoo)`, `view recording ${id} (Kazoo)`)];
  },
  'PATCH /v2/accounts/:accountId/recordings/:recordingId': (r) => [ev('call', 'modify', r.params.recordingId ?? null, `modified the user metadata of recording ${r.params.recordingId} (Kazoo)`, `modify the user metadata of recording ${r.params.recordingId} (Kazoo)`)],
  'DELETE /v2/accounts/:accountId/recordings/:recordingId': (r) => [ev('call', 'delete', r.params.recordingId ?? null, `deleted recording ${r.params.recordingId} (Kazoo)`, `delete recording ${r.params.recordingId} (Kazoo)`)],
  'GET /api/v2/recordings': genesysSearch,
  'GET /api/v2/recordings/': genesysSearch,
  'GET /api/v2/recordings/:id': (r) => [ev('call', 'view', r.params.id ?? null, `viewed recording ${r.params.id} (Genesys)`, `view recording ${r.params.id} (Genesys)`)],
  'GET /api/v2/recordings/:id/decrypt/:file': genesysMedia,
  'GET /api/v2/recordings/:id/play/:file': genesysMedia,
  'DELETE /api/v2/recordings/:id': (r) => [ev('call', 'delete', r.params.id ?? null, `deleted recording ${r.params.id} (Genesys)`, `delete recording ${r.params.id} (Genesys)`)],
  'GET /api/v2/settings/recording': () => [ev('tenant', 'view', null, 'viewed the privacy masking settings (Genesys)', 'view the privacy masking settings (Genesys)')],
  'POST /api/v2/settings/recording': genesysSettings,
  'PUT /api/v2/settings/recording': genesysSettings,
  'DELETE /api/v2/settings/recording': (r) => {
    const name = r.query.find(([k]) => k === 'name')?.[1] ?? (r.body as { name?: unknown } | null | undefined)?.name;
    const what = typeof name === 'string' ? `the privacy masking setting ${name}` : 'the privacy masking settings';
    return [ev('tenant', 'modify', null, `cleared ${what} (Genesys)`, `clear ${what} (Genesys)`)];
  },
  ...VONAGE_ROUTE_EVENTS,
  'GET /api/v1/audit-logs': (r) => [ev('auditTrail', 'view', null, `viewed the audit trail${filterText(r)}`, `view the audit trail${filterText(r)}`)],
  'GET /api/v1/api-activity-logs': (r) => [ev('apiActivityLogs', 'view', null, `viewed the API activity log${filterText(r)}`, `view the API activity log${filterText(r)}`)],
  'GET /api/v1/system-activity-logs': (r) => [ev('systemActivityLog', 'view', null, `viewed the system activity log${filterText(r)}`, `view the system activity log${filterText(r)}`)],
  'POST /live/v1/login': (r) => [ev('user', 'login', r.claimedId, `client ${r.claimedId} signed in through the Interaction Insights door (token issued)`,
    `sign in as client ${r.claimedId ?? '(none named)'} through the Interaction Insights door`)],
  ...insightsEvents(''),
  ...insightsEvents('/live/v1/serviceTypeAPI/STNG/:tenant'),
};

/** The Interaction Insights door's routes, at the root and under the tenant base URL. */
function insightsEvents(base: string): Record<string, Mapper> {
  const api = `${base}/api/integration/v1`;
  const door = ' (Interaction Insights)';
  return {
    [`GET ${api}/recordings`]: (r) => [ev('interactions', 'view', null, `listed recordings${door}${filterText(r)}`, `list recordings${door}${filterText(r)}`)],
    [`GET ${api}/recordings/:id`]: (r) => [ev('call', 'view', r.params.id ?? null, `viewed recording ${r.params.id}${door}`, `view recording ${r.params.id}${door}`)],
    [`GET ${api}/recordings/:id/transcript`]: (r) => [ev('transcript', 'view', r.params.id ?? null,
      `viewed the transcript of recording ${r.params.id}${door}`, `view the transcript of recording ${r.params.id}${door}`)],
    [`GET ${api}/apiActivityLogs`]: (r) => [ev('apiActivityLogs', 'view', null, `viewed the API activity log${door}${filterText(r)}`, `view the API activity log${door}${filterText(r)}`)],
    [`GET ${api}/auditLogs`]: (r) => [ev('auditTrail', 'view', null, `viewed the audit trail${door}${filterText(r)}`, `view the audit trail${door}${filterText(r)}`)],
    [`GET ${api}/systemActivityLogs`]: (r) => [ev('systemActivityLog', 'view', null, `viewed the system activity log${door}${filterText(r)}`, `view the system activity log${door}${filterText(r)}`)],
  };
}

const BY_METHOD: Record<string, AuditAction> = { GET: 'view', HEAD: 'access', POST: 'add', PUT: 'modify', PATCH: 'modify', DELETE: 'delete' };

/** A reasonable entry for a route nobody mapped yet, so no action (or refusal) goes unrecorded. */
export function fallbackEvents(r: FinishedRequest): RouteEvent[] {
  const path = r.route.toLowerCase();
  const what = `${r.method} ${r.route}`;
  if (/logout|revoke/.test(path)) return [ev('user', 'logout', r.claimedId, `signed out (${what})`, `sign out (${what})`)];
  if (/login|token|session/.test(path)) return [ev('user', 'login', r.claimedId, `signed in (${what})`, `sign in (${what})`)];
  const item: AuditItem = /transcript/.test(path) ? 'transcript' : /recording|call|interaction/.test(path) ? 'call' : /user/.test(path) ? 'user' : 'tenant';
  const action: AuditAction = /export/.test(path) ? 'export' : BY_METHOD[r.method] ?? 'access';
  const objectId = r.params.id ?? r.params.recordingId ?? null;
  return [ev(item, action, objectId, `${what}${objectId ? ` on ${objectId}` : ''}`, `${what}${objectId ? ` on ${objectId}` : ''}`)];
}

export function routeEvents(r: FinishedRequest): RouteEvent[] {
  const mapper = ROUTE_EVENTS[`${r.method} ${r.route}`];
  return mapper ? mapper(r) : fallbackEvents(r);
}
