/**
 * The canonical recording: the union of what the five recording APIs return. Field names
 * follow Appendix A of the Interaction Insights spec wherever it names a field, so a reader
 * of that spec can read ours; everything else uses the same camelCase style.
 */

export const CALL_DIRECTIONS = ['incoming', 'outgoing', 'none'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CALL_TYPES = [
  'internal_p2p', 'federated_p2p', 'pstn_p2p', 'conference_Internal',
  'conference_Internal_with_ext_participants', 'conference_Internal_with_Pstn_participants',
  'conference_External', 'queue', 'none',
] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const RELEASE_CAUSES = ['normal', 'abandoned', 'failure', 'missed', 'transferred'] as const;
export type ReleaseCause = (typeof RELEASE_CAUSES)[number];

/** Recording type: full-time, on-demand, save-on-demand (the spec's profileType). */
export const PROFILE_TYPES = ['none', 'fullTime', 'recordOnDemand', 'saveOnDemand'] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];

export const MEDIA_STATUSES = ['pending', 'available', 'failed', 'unavailable', 'deleted', 'recording', 'awaiting', 'paused'] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

export const TRANSCRIPTION_STATUSES = ['none', 'requested', 'processing', 'ready', 'failed', 'failedExceeded', 'deleted'] as const;
export type TranscriptionStatus = (typeof TRANSCRIPTION_STATUSES)[number];

export const INSIGHTS_STATUSES = [...TRANSCRIPTION_STATUSES, 'edited', 'transcriptionTooShort'] as const;
export type InsightsStatus = (typeof INSIGHTS_STATUSES)[number];

export const MEDIA_KINDS = ['audio', 'video', 'screen'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** The Interaction Insights content.mediaType, derived from a recording's media kinds. */
export const MEDIA_TYPES = ['none', 'audio', 'sharing', 'video', 'sharingAndVideo'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const PLATFORM_TYPES = ['unspecified', 'microsoftTeams', 'siprec', 'zoom', 'ciscoWebex'] as const;
export const RECORDING_SOURCES = ['nativeRecording', 'smartTapMigrated', 'thirdPartyMigrated'] as const;
export const EVENT_TYPES = ['joined', 'left', 'dataAdded', 'dataUpdated', 'dataDeleted', 'pause', 'resume', 'hold', 'retrieve'] as const;
/** Events of the call itself, which an uploader may report; data events are the vault's own record. */
export const CALL_EVENT_TYPES = ['joined', 'left', 'pause', 'resume', 'hold', 'retrieve'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const PARTY_ROLES = ['calling', 'called', 'answeredBy', 'transferredBy', 'transferTo', 'onBehalfOf', 'meetingOrganizer', 'target'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export interface Party {
  /** Our user id when the party is a known user. */
  id?: string;
  upn?: string;
  displayName?: string;
  phoneNumber?: string;
  sipUri?: string;
  extension?: string;
  /** External directory id (Azure OID and the like). */
  oid?: string;
  kind?: 'user' | 'external';
}

export interface AnsweringParty extends Party { answerTime?: string }
export interface Participant extends Party { joinTime?: string; leaveTime?: string }

export interface TimeSpanMs { startMs: number; endMs: number }

export interface MediaFile {
  id: string;
  kind: MediaKind;
  mimeType: string;
  codec: string;
  container: string;
  channels: number;
  sampleRate: number;
  durationMs: number;
  size: number;
  sha256: string;
  fileName?: string;
  startTime?: string;
  stopTime?: string;
  status: MediaStatus;
  /** Spans where recording was paused (masked), relative to the media start. */
  pauseMasks?: TimeSpanMs[];
  /** Who speaks on each channel ('agent', 'customer' or a party role), when the uploader said. */
  channelRoles?: string[];
  createdAt: string;
}

export const SENTIMENT_LABELS = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'] as const;
export interface CallSentiment { label: (typeof SENTIMENT_LABELS)[number]; score: number }

export interface Tag {
  id: string;
  tagName: string;
  type?: string;
  content?: string;
  createdBy?: string;
  createdAt: string;
}

export interface Note {
  id: string;
  visibility: 'public' | 'private';
  content: string;
  createdBy?: Party;
  createdAt: string;
}

export interface RecordingEvent {
  type: EventType;
  at: string;
  party?: Party;
  by?: string;
  data?: Record<string, unknown>;
}

export interface DeleteRequest {
  status: 'none' | 'requested' | 'failed';
  authorizedBy?: string;
  note?: string;
  timestamp?: string;
  isMediaOnly?: boolean;
}

export interface Recording {
  id: string;
  /** Stable integer id for doors whose clients expect one (Vonage). */
  numericId: number;
  accountId: string;
  ownerId?: string;
  version: string;
  startTime: string;
  releaseTime?: string;
  durationMs: number;
  callDirection: CallDirection;
  callType: CallType;
  releaseCause?: ReleaseCause;
  profileType: ProfileType;
  sysCallId?: string;
  sipCallId?: string;
  callUuid?: string;
  connectionId?: string;
  conferenceUrl?: string;
  groupingId?: string;
  queueName?: string;
  calling?: Party;
  called?: Party;
  answeredBy?: AnsweringParty;
  transferredBy?: Party;
  transferTo?: Party;
  onBehalfOf?: Party;
  meetingOrganizer?: Party;
  target?: Party;
  participants: Participant[];
  media: MediaFile[];
  mediaStatus: MediaStatus;
  transcriptionStatus: TranscriptionStatus;
  insightsStatus: InsightsStatus;
  /** The call's overall sentiment, once insights are ready (score -1..1). */
  sentiment?: CallSentiment;
  tags: Tag[];
  notes: Note[];
  userMetadata: Record<string, unknown>;
  events: RecordingEvent[];
  expires?: string;
  legalHold: boolean;
  nonDelete: boolean;
  deleteRequest?: DeleteRequest;
  accessGroups: Array<{ id: string; name?: string }>;
  region?: string;
  recordingPlatform?: { recordingPlatformType: (typeof PLATFORM_TYPES)[number] };
  recordingSource?: (typeof RECORDING_SOURCES)[number];
  /** Where the recording came from (upload, siprec, importer name). */
  source: string;
  createdAt: string;
  updatedAt: string;
}

/** The parts of a recording an uploader supplies; the vault fills the rest. */
export type RecordingInput = Partial<Omit<Recording,
  'id' | 'numericId' | 'accountId' | 'media' | 'mediaStatus' | 'tags' | 'notes' | 'events' | 'createdAt' | 'updatedAt' | 'version'>> & {
  startTime: string;
  tags?: Array<Pick<Tag, 'tagName'> & Partial<Pick<Tag, 'type' | 'content'>>>;
  notes?: Array<Pick<Note, 'content'> & Partial<Pick<Note, 'visibility'>>>;
  events?: RecordingEvent[];
};

/** The number a party is shown by in the doors: its phone number, else its extension (the `number` filter's semantics). */
export const partyNumber = (p: Party | undefined): string => p?.phoneNumber ?? p?.extension ?? '';

export function partiesOf(r: Pick<Recording, PartyRole | 'participants'>): Array<{ role: PartyRole | 'participant'; party: Party }> {
  const out: Array<{ role: PartyRole | 'participant'; party: Party }> = [];
  for (const role of PARTY_ROLES) {
    const p = r[role];
    if (p) out.push({ role, party: p });
  }
  for (const p of r.participants) out.push({ role: 'participant', party: p });
  return out;
}

/** The Interaction Insights content.mediaType of a recording, from its live media files. */
export function mediaTypeOf(r: Pick<Recording, 'media'>): MediaType {
  const live = r.media.filter((m) => m.status !== 'deleted');
  const has = (k: string) => live.some((m) => m.kind === k);
  if (has('screen') && has('video')) return 'sharingAndVideo';
  if (has('screen')) return 'sharing';
  if (has('video')) return 'video';
  if (has('audio')) return 'audio';
  return 'none';
}
