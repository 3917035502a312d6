import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Vault } from '../../context.js';
import { principalOf } from '../auth.js';
import { toWebVtt } from '../../transcripts/vtt.js';
import { ErrorSchema, RecordingSchema } from './schemas.js';

const Id = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema, 500: ErrorSchema };

const Word = Type.Object({ startMs: Type.Integer(), endMs: Type.Integer(), text: Type.String(), confidence: Type.Optional(Type.Number()) });
const Cue = Type.Object({
  startMs: Type.Integer(), endMs: Type.Integer(), speaker: Type.String(), speakerRole: Type.Optional(Type.String()), channel: Type.Integer(),
  text: Type.String(), words: Type.Optional(Type.Array(Word)),
  sentiment: Type.Optional(Type.Object({ label: Type.String(), score: Type.Number() })),
});
export const TranscriptSchema = Type.Object({
  recordingId: Type.String(), engine: Type.String(), language: Type.String(), createdAt: Type.String({ format: 'date-time' }),
  redacted: Type.Boolean({ description: 'True when sensitive spans were replaced (callers without originals:read)' }),
  cues: Type.Array(Cue),
});

const JobSchema = Type.Object({
  id: Type.String(), kind: Type.String(), state: Type.String(), attempts: Type.Integer(), maxAttempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), updatedAt: Type.String(),
});

/** Which representation the caller wants: `?format=` wins, then the Accept header; JSON by default. */
function wantsVtt(req: FastifyRequest<{ Querystring: { format?: string } }>): boolean {
  if (req.query.format) return req.query.format === 'vtt';
  const accept = req.headers.accept ?? '';
  const vtt = accept.indexOf('text/vtt');
  const json = accept.indexOf('application/json');
  return vtt >= 0 && (json < 0 || vtt < json);
}

/** Transcripts, insights, waveforms and the processing jobs of a recording. */
export function transcriptRoutes(app: FastifyInstance, vault: Vault): void {
  app.get<{ Params: { id: string }; Querystring: { format?: 'vtt' | 'json' } }>('/recordings/:id/transcript', {
    schema: {
      tags: ['transcripts'], security: [{ bearer: [] }], params: Id,
      summary: 'The transcript as WebVTT (Accept: text/vtt or ?format=vtt) or JSON cues with word timings',
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('vtt'), Type.Literal('json')])) }, { additionalProperties: false }),
      response: { 200: { description: 'The transcript', content: { 'application/json': { schema: TranscriptSchema }, 'text/vtt': { schema: { type: 'string' } } } }, ...errors },
    },
  }, async (req, reply) => {
    const { transcript, redacted } = await vault.transcripts.transcript(principalOf(req), req.params.id);
    reply.header('vary', 'accept');
    if (wantsVtt(req)) return reply.type('text/vtt; charset=utf-8').send(toWebVtt(transcript.cues));
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ ...transcript, redacted }));
  });

  app.post<{ Params: { id: string } }>('/recordings/:id/transcript', {
    schema: {
      tags: ['transcripts'], security: [{ bearer: [] }], params: Id,
      summary: 'Ask for the recording to be transcribed (again); answers 202 with the recording and its new status',
      response: { 202: Type.Ref(RecordingSchema), ...errors },
    },
  }, async (req, reply) => reply.code(202).send(await vault.transcripts.request(principalOf(req), req.params.id)));

  app.get<{ Params: { id: string } }>('/recordings/:id/insights', {
    schema: {
      tags: ['transcripts'], security: [{ bearer: [] }], params: Id,
      summary: 'Sentiment per cue and call, talk time per speaker, silence and overtalk, keywords and a summary',
      response: { 200: Type.Object({}, { additionalProperties: true }), ...errors },
    },
  }, async (req) => vault.transcripts.insights(principalOf(req), req.params.id));

  app.get<{ Params: { id: string } }>('/recordings/:id/waveform', {
    schema: {
      tags: ['media'], security: [{ bearer: [] }], params: Id,
      summary: 'Waveform peaks per media file and channel (0-255, peaksPerSecond buckets), for players',
      response: { 200: Type.Record(Type.String(), Type.Object({
        version: Type.Integer(), channels: Type.Integer(), peaksPerSecond: Type.Integer(), durationMs: Type.Integer(),
        data: Type.Array(Type.Array(Type.Integer())),
      })), ...errors },
    },
  }, async (req) => vault.transcripts.peaks(principalOf(req), req.params.id));

  app.get<{ Params: { id: string } }>('/recordings/:id/jobs', {
    schema: {
      tags: ['transcripts'], security: [{ bearer: [] }], params: Id,
      summary: 'The processing jobs of a recording (media, transcription, analysis), newest first, with their errors',
      response: { 200: Type.Object({ data: Type.Array(JobSchema) }), ...errors },
    },
  }, async (req) => {
    const jobs = await vault.transcripts.jobs(principalOf(req), req.params.id);
    return {
      data: jobs.map((j) => ({
        id: j.id, kind: j.kind, state: j.state, attempts: j.attempts, maxAttempts: j.maxAttempts, lastError: j.lastError,
        createdAt: new Date(j.createdAt).toISOString(), updatedAt: new Date(j.updatedAt).toISOString(),
      })),
    };
  });
}
