import { Type, type TSchema } from '@sinclair/typebox';
import {
  CALL_DIRECTIONS, CALL_TYPES, INSIGHTS_STATUSES, MEDIA_KINDS, MEDIA_STATUSES, PROFILE_TYPES, RELEASE_CAUSES, SENTIMENT_LABELS, TRANSCRIPTION_STATUSES,
} from '../../core/model.js';
import { PartySchema } from '../../core/schemas.js';

/** Response shapes of the native API, for serialisation and the OpenAPI document. */
const Enum = (values: readonly string[]) => Type.String({ enum: [...values] });
const Opt = <T extends TSchema>(t: T) => Type.Optional(t);
const DateTime = Type.String({ format: 'date-time' });

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    description: Type.String(),
    request_id: Type.String(),
    timestamp: DateTime,
  }),
}, { $id: 'Error' });

export const MediaFileSchema = Type.Object({
  id: Type.String(),
  kind: Enum(MEDIA_KINDS),
  mimeType: Type.String(),
  codec: Type.String(),
  container: Type.String(),
  channels: Type.Integer(),
  sampleRate: Type.Integer(),
  durationMs: Type.Integer(),
  size: Type.Integer(),
  sha256: Type.String(),
  fileName: Opt(Type.String()),
  startTime: Opt(DateTime),
  stopTime: Opt(DateTime),
  status: Enum(MEDIA_STATUSES),
  pauseMasks: Opt(Type.Array(Type.Object({ startMs: Type.Integer(), endMs: Type.Integer() }))),
  channelRoles: Opt(Type.Array(Type.String())),
  createdAt: DateTime,
}, { $id: 'MediaFile' });

const PartyOut = Type.Object({ ...PartySchema.properties }, { additionalProperties: true });

export const RecordingSchema = Type.Object({
  id: Type.String(),
  numericId: Type.Integer(),
  accountId: Type.String(),
  ownerId: Opt(Type.String()),
  version: Type.String(),
  startTime: DateTime,
  releaseTime: Opt(DateTime),
  durationMs: Type.Integer(),
  callDirection: Enum(CALL_DIRECTIONS),
  callType: Enum(CALL_TYPES),
  releaseCause: Opt(Enum(RELEASE_CAUSES)),
  profileType: Enum(PROFILE_TYPES),
  sysCallId: Opt(Type.String()),
  sipCallId: Opt(Type.String()),
  callUuid: Opt(Type.String()),
  connectionId: Opt(Type.String()),
  conferenceUrl: Opt(Type.String()),
  groupingId: Opt(Type.String()),
  queueName: Opt(Type.String()),
  calling: Opt(PartyOut),
  called: Opt(PartyOut),
  answeredBy: Opt(PartyOut),
  transferredBy: Opt(PartyOut),
  transferTo: Opt(PartyOut),
  onBehalfOf: Opt(PartyOut),
  meetingOrganizer: Opt(PartyOut),
  target: Opt(PartyOut),
  participants: Type.Array(PartyOut),
  media: Type.Array(MediaFileSchema),
  mediaStatus: Enum(MEDIA_STATUSES),
  transcriptionStatus: Enum(TRANSCRIPTION_STATUSES),
  insightsStatus: Enum(INSIGHTS_STATUSES),
  sentiment: Opt(Type.Object({ label: Enum(SENTIMENT_LABELS), score: Type.Number() }, { description: 'The call\'s overall sentiment, once insights are ready' })),
  tags: Type.Array(Type.Object({
    id: Type.String(), tagName: Type.String(), type: Opt(Type.String()), content: Opt(Type.String()),
    createdBy: Opt(Type.String()), createdAt: DateTime,
  })),
  notes: Type.Array(Type.Object({
    id: Type.String(), visibility: Enum(['public', 'private']), content: Type.String(), createdBy: Opt(PartyOut), createdAt: DateTime,
  })),
  userMetadata: Type.Object({}, { additionalProperties: true }),
  events: Type.Array(Type.Object({
    type: Type.String(), at: DateTime, party: Opt(PartyOut), by: Opt(Type.String()), data: Opt(Type.Object({}, { additionalProperties: true })),
  })),
  expires: Opt(DateTime),
  legalHold: Type.Boolean(),
  nonDelete: Type.Boolean(),
  deleteRequest: Opt(Type.Object({}, { additionalProperties: true })),
  accessGroups: Type.Array(Type.Object({ id: Type.String(), name: Opt(Type.String()) })),
  region: Opt(Type.String()),
  recordingPlatform: Opt(Type.Object({ recordingPlatformType: Type.String() })),
  recordingSource: Opt(Type.String()),
  source: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
  hits: Opt(Type.Array(Type.Object({ startMs: Type.Integer(), endMs: Type.Integer(), speaker: Type.String(), text: Type.String() }), {
    description: 'With q: the transcript cues that match, so a player can jump there',
  })),
}, { $id: 'Recording', additionalProperties: true });

export const RecordingPageSchema = Type.Object({
  data: Type.Array(Type.Ref(RecordingSchema)),
  page: Opt(Type.Integer({ description: 'Page number when offset paging is used' })),
  pageSize: Type.Integer(),
  total: Type.Integer({ description: 'Matching recordings; a lower bound when totalEstimated is true' }),
  totalEstimated: Type.Boolean({ description: 'True when counting stopped at the configured cap' }),
  nextCursor: Opt(Type.String({ description: 'Pass as ?cursor= to get the next page' })),
  next: Opt(Type.String({ description: 'Path of the next page' })),
});

export const TokenSchema = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
});
