import type { Recording } from './model.js';
import { partiesOf } from './model.js';
import type { Principal } from './principals.js';
import type { RecordingFilter, Viewer } from './query.js';

/**
 * The one visibility rule. API clients and admins see their whole account; a supervisor sees
 * recordings shared with one of their groups plus their own; an agent sees the recordings they
 * took part in or own. Lists, gets, media, transcripts, exports and search all go through it
 * (lists as a filter, single reads through `canSee`), so a count can never include a
 * recording its caller could not open.
 */
export function viewerOf(p: Principal): Viewer | undefined {
  if (p.kind === 'client' || p.role === 'admin') return undefined;
  return {
    userIds: [p.id],
    upns: p.upn ? [p.upn.toLowerCase()] : [],
    groups: p.role === 'supervisor' ? [...(p.groups ?? [])] : [],
  };
}

export function restrict(p: Principal, filter: RecordingFilter): RecordingFilter {
  const viewer = viewerOf(p);
  return viewer ? { ...filter, visibleTo: viewer } : filter;
}

export function canSee(p: Principal, rec: Recording): boolean {
  const v = viewerOf(p);
  if (!v) return true;
  if (rec.ownerId && v.userIds.includes(rec.ownerId)) return true;
  for (const { party } of partiesOf(rec)) {
    if (party.id && v.userIds.includes(party.id)) return true;
    if (party.upn && v.upns.includes(party.upn.toLowerCase())) return true;
  }
  return rec.accessGroups.some((g) => v.groups.includes(g.id));
}
