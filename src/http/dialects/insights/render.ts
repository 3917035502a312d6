import { mediaTypeOf, type MediaFile, type Party, type Recording, type RecordingEvent } from '../../../core/model.js';

/** Where a rendered recording's links point: the server's origin and this door's base path. */
export interface Links {
  /** `https://host:port`, no trailing slash. */
  origin: string;
  /** The door's base as the caller used it: '' or `/live/v1/serviceTypeAPI/STNG/{tenant}`. */
  base: string;
}

/**
 * A party as Appendix A writes one: id, upn, displayName, oid, phoneNumber, sipUri. Here and
 * below, fields left undefined are not written (JSON.stringify and maskDeep skip them).
 */
function party(p: Party | undefined): Record<string, string | undefined> | undefined {
  if (!p) return undefined;
  return { id: p.id, upn: p.upn, displayName: p.displayName, oid: p.oid, phoneNumber: p.phoneNumber, sipUri: p.sipUri };
}


const endOf = (startIso: string, ms: number) => new Date(Date.parse(startIso) + ms).toISOString();

/** A media file as audioContent / one sharing or video segment: its own file name is its media id (see docs). */
function segment(rec: Recording, m: MediaFile) {
  const startTime = m.startTime ?? rec.startTime;
  return {
    fileName: m.id, startTimeMs: 0, endTimeMs: m.durationMs, startTime, endTime: m.stopTime ?? endOf(startTime, m.durationMs),
  };
}

/** The user commands (on-demand pause/resume by someone) and system commands of the call. */
function meetingEvents(rec: Recording) {
  const userCmds: unknown[] = [];
  const systemCmds: unknown[] = [{ cmdName: 'recordingStarted', createdAt: rec.startTime }];
  const SYSTEM: Partial<Record<RecordingEvent['type'], string>> = { pause: 'callPaused', resume: 'callResumed', hold: 'callHold', retrieve: 'callRetrieved' };
  const USER: Partial<Record<RecordingEvent['type'], string>> = { pause: 'userPause', resume: 'userResume' };
  for (const e of rec.events) {
    if (e.by && USER[e.type]) userCmds.push({ cmdName: USER[e.type], createdAt: e.at, createdBy: party(e.party) ?? { id: e.by } });
    else if (SYSTEM[e.type]) systemCmds.push({ cmdName: SYSTEM[e.type], createdAt: e.at });
  }
  return { userCmds, systemCmds };
}

/** The last pause or resume of the call, as pauseResumeStatus. */
function pauseResume(rec: Recording) {
  const last = [...rec.events].reverse().find((e) => e.type === 'pause' || e.type === 'resume');
  if (!last) return { status: 'none' };
  return { status: last.type === 'pause' ? 'paused' : 'resumed', createdAt: last.at, createdBy: party(last.party) };
}

/**
 * A recording in the shape of Appendix A. Fields callvault has no value for are left out
 * rather than invented (retentionId, pairedCall, analyticProfileId, onDemandTriggerTime).
 * Links are absolute: `content.path` + `audioContent.subPath` + '/' + `fileName` is the media's
 * native URL, `vttInfo[].fullPathVttFile` this door's transcript URL.
 */
export function renderRecording(rec: Recording, links: Links): Record<string, unknown> {
  const native = `${links.origin}/api/v1/recordings/${rec.id}`;
  const audio = rec.media.find((m) => m.kind === 'audio');
  const video = rec.media.filter((m) => m.kind === 'video');
  const screen = rec.media.filter((m) => m.kind === 'screen');
  const target = rec.target;
  const transcriptReady = rec.transcriptionStatus === 'ready';
  const insightsReady = rec.insightsStatus === 'ready' || rec.insightsStatus === 'edited';
  return {
    version: rec.version,
    transferredBy: party(rec.transferredBy),
    playerLink: native,
    expires: rec.expires,
    videoExpires: video.length ? rec.expires : undefined,
    id: rec.id,
    target: target ? {
      userGlobalId: target.id, upn: target.upn, displayName: target.displayName, azureOid: target.oid,
      phoneNumber: target.phoneNumber, sipUri: target.sipUri,
    } : undefined,
    onBehalfOf: party(rec.onBehalfOf),
    transferTo: party(rec.transferTo),
    called: party(rec.called),
    calling: party(rec.calling),
    answeredBy: rec.answeredBy ? { answerTime: rec.answeredBy.answerTime, ...party(rec.answeredBy) } : undefined,
    meetingOrganizer: party(rec.meetingOrganizer),
    startTime: rec.startTime,
    releaseTime: rec.releaseTime ?? endOf(rec.startTime, rec.durationMs),
    sipCallId: rec.sipCallId,
    conferenceUrl: rec.conferenceUrl,
    sysCallId: rec.sysCallId,
    callDirection: rec.callDirection,
    callType: rec.callType,
    releaseCause: rec.releaseCause,
    notes: rec.notes.map((n) => ({
      visibility: n.visibility, id: n.id, createdBy: party(n.createdBy), content: n.content, createdAt: n.createdAt, createdTime: n.createdAt,
    })),
    participants: rec.participants.map((p) => ({ joinTime: p.joinTime, leaveTime: p.leaveTime, ...party(p) })),
    meetingEvents: meetingEvents(rec),
    content: {
      mediaType: mediaTypeOf(rec),
      path: native,
      audioContent: { subPath: '/media', ...(audio ? segment(rec, audio) : {}), status: audio?.status ?? rec.mediaStatus },
      sharingContent: screen.length ? { subPath: '/media', sharingMetadata: screen.map((m) => segment(rec, m)), status: screen[0]!.status } : undefined,
      videoContent: video.length ? {
        subPath: '/media', status: video[0]!.status,
        videoMetadata: video.map((m) => ({ streamId: m.id, ...segment(rec, m) })),
      } : undefined,
      transcriptionContent: {
        vttInfo: transcriptReady ? [{ fullPathVttFile: `${links.origin}${links.base}/api/integration/v1/recordings/${rec.id}/transcript` }] : [],
        error: rec.transcriptionStatus === 'failed' || rec.transcriptionStatus === 'failedExceeded' ? `transcription ${rec.transcriptionStatus}` : undefined,
        transcriptionStatus: rec.transcriptionStatus,
      },
      insightsContent: {
        insightsInfo: insightsReady ? [{ fullPathInsightsFile: `${native}/insights` }] : [],
        error: rec.insightsStatus === 'failed' || rec.insightsStatus === 'failedExceeded' ? `insights ${rec.insightsStatus}` : undefined,
        insightsStatus: rec.insightsStatus,
      },
    },
    accessGroups: rec.accessGroups.map((g) => ({ name: g.name, id: g.id })),
    queueName: rec.queueName,
    legalHold: rec.legalHold,
    doubleRecordingType: 'primary',
    deleteRequest: rec.deleteRequest ?? { status: 'none' },
    groupingId: rec.groupingId,
    tags: rec.tags.map((t) => ({ tagName: t.tagName })),
    profileType: rec.profileType,
    sodStatus: rec.profileType === 'saveOnDemand' ? { status: 'saved' } : undefined,
    pauseResumeStatus: pauseResume(rec),
    rodStatus: { status: rec.profileType === 'recordOnDemand' ? 'started' : 'none' },
    recordingSource: rec.recordingSource ?? 'nativeRecording',
    recordingPlatform: rec.recordingPlatform ?? { recordingPlatformType: rec.source === 'siprec' ? 'siprec' : 'unspecified' },
  };
}
