import { Type, FormatRegistry, type Static, type TSchema } from '@sinclair/typebox';
import {
  CALL_DIRECTIONS, CALL_EVENT_TYPES, CALL_TYPES, INSIGHTS_STATUSES, MEDIA_STATUSES, PLATFORM_TYPES, PROFILE_TYPES,
  RECORDING_SOURCES, RELEASE_CAUSES, TRANSCRIPTION_STATUSES,
} from './model.js';

/**
 * JSON schemas of the canonical model. The native door uses them for validation and for the
 * OpenAPI document; the core uses them to check metadata that arrives inside multipart uploads.
 */
FormatRegistry.Set('date-time', (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)));

const Str = (max = 512) => Type.String({ maxLength: max });
const DateTime = Type.String({ format: 'date-time', maxLength: 40 });
const Enum = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v))) as unknown as TSchema & { static: T[number] };

export const PartySchema = Type.Object({
  id: Type.Optional(Str(128)),
  upn: Type.Optional(Str(320)),
  displayName: Type.Optional(Str(256)),
  phoneNumber: Type.Optional(Str(64)),
  sipUri: Type.Optional(Str(512)),
  extension: Type.Optional(Str(32)),
  oid: Type.Optional(Str(128)),
  kind: Type.Optional(Enum(['user', 'external'] as const)),
}, { additionalProperties: false, $id: 'Party' });

const AnsweringSchema = Type.Composite([PartySchema, Type.Object({ answerTime: Type.Optional(DateTime) })], { additionalProperties: false });
const ParticipantSchema = Type.Composite([PartySchema, Type.Object({ joinTime: Type.Optional(DateTime), leaveTime: Type.Optional(DateTime) })], { additionalProperties: false });

export const TagInputSchema = Type.Object({
  tagName: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.Optional(Str(64)),
  content: Type.Optional(Str(4096)),
}, { additionalProperties: false });

export const NoteInputSchema = Type.Object({
  content: Type.String({ minLength: 1, maxLength: 16384 }),
  visibility: Type.Optional(Enum(['public', 'private'] as const)),
}, { additionalProperties: false });

/** What happened during the call, as the recorder saw it (no `by`: data events are the vault's). */
const EventSchema = Type.Object({
  type: Enum(CALL_EVENT_TYPES),
  at: DateTime,
  party: Type.Optional(PartySchema),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
}, { additionalProperties: false });

/** What an uploader may say about a recording. */
export const RecordingInputSchema = Type.Object({
  startTime: DateTime,
  releaseTime: Type.Optional(DateTime),
  durationMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 31 * 24 * 3600 * 1000 })),
  callDirection: Type.Optional(Enum(CALL_DIRECTIONS)),
  callType: Type.Optional(Enum(CALL_TYPES)),
  releaseCause: Type.Optional(Enum(RELEASE_CAUSES)),
  profileType: Type.Optional(Enum(PROFILE_TYPES)),
  ownerId: Type.Optional(Str(128)),
  sysCallId: Type.Optional(Str(256)),
  sipCallId: Type.Optional(Str(256)),
  callUuid: Type.Optional(Str(256)),
  connectionId: Type.Optional(Str(256)),
  conferenceUrl: Type.Optional(Str(2048)),
  groupingId: Type.Optional(Str(256)),
  queueName: Type.Optional(Str(256)),
  calling: Type.Optional(PartySchema),
  called: Type.Optional(PartySchema),
  answeredBy: Type.Optional(AnsweringSchema),
  transferredBy: Type.Optional(PartySchema),
  transferTo: Type.Optional(PartySchema),
  onBehalfOf: Type.Optional(PartySchema),
  meetingOrganizer: Type.Optional(PartySchema),
  target: Type.Optional(PartySchema),
  participants: Type.Optional(Type.Array(ParticipantSchema, { maxItems: 500 })),
  transcriptionStatus: Type.Optional(Enum(TRANSCRIPTION_STATUSES)),
  insightsStatus: Type.Optional(Enum(INSIGHTS_STATUSES)),
  tags: Type.Optional(Type.Array(TagInputSchema, { maxItems: 200 })),
  notes: Type.Optional(Type.Array(NoteInputSchema, { maxItems: 200 })),
  userMetadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  events: Type.Optional(Type.Array(EventSchema, { maxItems: 2000 })),
  expires: Type.Optional(DateTime),
  legalHold: Type.Optional(Type.Boolean()),
  nonDelete: Type.Optional(Type.Boolean()),
  accessGroups: Type.Optional(Type.Array(Type.Object({ id: Str(128), name: Type.Optional(Str(256)) }, { additionalProperties: false }), { maxItems: 100 })),
  region: Type.Optional(Str(64)),
  recordingPlatform: Type.Optional(Type.Object({ recordingPlatformType: Enum(PLATFORM_TYPES) }, { additionalProperties: false })),
  recordingSource: Type.Optional(Enum(RECORDING_SOURCES)),
  source: Type.Optional(Str(64)),
  /** Per media part (by part name or file name): what the uploader knows about it. */
  mediaInfo: Type.Optional(Type.Record(Type.String(), Type.Object({
    kind: Type.Optional(Enum(['audio', 'video', 'screen'] as const)),
    codec: Type.Optional(Enum(['pcmu', 'pcma'] as const)),
    sampleRate: Type.Optional(Type.Integer({ minimum: 8000, maximum: 192000 })),
    channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    startTime: Type.Optional(DateTime),
    stopTime: Type.Optional(DateTime),
    /** Spans (ms from the media start) where recording was paused and the audio is masked. */
    /** Who speaks on each channel, in channel order: 'agent', 'customer' or a party role (calling, called…). */
    channelRoles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 8 })),
    pauseMasks: Type.Optional(Type.Array(Type.Object({ startMs: Type.Integer({ minimum: 0 }), endMs: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), { maxItems: 1000 })),
  }, { additionalProperties: false }))),
}, { additionalProperties: false, $id: 'RecordingInput' });
export type RecordingInputBody = Static<typeof RecordingInputSchema>;

/**
 * A PATCH: every field optional. `tags` replaces the tag list; `notes` appends notes (notes are
 * records of what someone said, so they are removed one by one with `removeNotes`, never
 * overwritten wholesale); the add/remove forms edit the lists in place.
 */
export const RecordingPatchSchema = Type.Object({
  tags: Type.Optional(Type.Array(TagInputSchema, { maxItems: 200 })),
  notes: Type.Optional(Type.Array(NoteInputSchema, { maxItems: 200 })),
  addTags: Type.Optional(Type.Array(TagInputSchema, { maxItems: 200 })),
  removeTags: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 200 })),
  addNotes: Type.Optional(Type.Array(NoteInputSchema, { maxItems: 200 })),
  removeNotes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })),
  /** Merged into the stored user metadata (RFC 7396: a null value removes the key). */
  userMetadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  legalHold: Type.Optional(Type.Boolean()),
  nonDelete: Type.Optional(Type.Boolean()),
  expires: Type.Optional(Type.Union([DateTime, Type.Null()])),
}, { additionalProperties: false, minProperties: 1, $id: 'RecordingPatch' });
export type RecordingPatch = Static<typeof RecordingPatchSchema>;

export const MediaStatusSchema = Enum(MEDIA_STATUSES);
