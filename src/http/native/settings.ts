import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Vault } from '../../context.js';
import { principalOf } from '../auth.js';
import { ErrorSchema } from './schemas.js';

const Fields = Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' }), { maxItems: 100 });
const PrivacySchema = Type.Object({ agentFields: Fields, customerFields: Fields }, { additionalProperties: false });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };

/** The account's privacy masking settings (admin scope). */
export function settingsRoutes(app: FastifyInstance, vault: Vault): void {
  app.get('/settings/privacy', {
    schema: { tags: ['settings'], summary: 'Fields masked as ***** for supervisors', security: [{ bearer: [] }], response: { 200: PrivacySchema, ...errors } },
  }, (req) => vault.settings.privacy(principalOf(req)));

  app.put<{ Body: typeof PrivacySchema.static }>('/settings/privacy', {
    schema: { tags: ['settings'], summary: 'Set the fields masked for supervisors', security: [{ bearer: [] }], body: PrivacySchema, response: { 200: PrivacySchema, ...errors } },
  }, (req) => vault.settings.setPrivacy(principalOf(req), req.body));

  const PipelineSchema = Type.Object({
    autoTranscribe: Type.Boolean({ description: 'Transcribe every new recording (default true); else only on request' }),
    redact: Type.Boolean({ description: 'Find card numbers, national ids, e-mail addresses and phone numbers and keep redacted copies (default true)' }),
    redactionAudio: Type.Union([Type.Literal('silence'), Type.Literal('tone')], { description: 'What replaces redacted spans in audio (default tone)' }),
    holdAudioUntilRedacted: Type.Boolean({ description: 'Callers without originals:read get no audio (409) until redaction has run, instead of the original meanwhile (default false)' }),
  }, { additionalProperties: false });
  app.get('/settings/pipeline', {
    schema: { tags: ['settings'], summary: 'Transcription and redaction policy', security: [{ bearer: [] }], response: { 200: PipelineSchema, ...errors } },
  }, (req) => vault.settings.pipeline(principalOf(req)));
  app.put<{ Body: Partial<typeof PipelineSchema.static> }>('/settings/pipeline', {
    schema: { tags: ['settings'], summary: 'Change the transcription and redaction policy (fields left out keep their value)', security: [{ bearer: [] }], body: Type.Partial(PipelineSchema), response: { 200: PipelineSchema, ...errors } },
  }, (req) => vault.settings.setPipeline(principalOf(req), req.body));

  app.delete('/settings/privacy', {
    schema: { tags: ['settings'], summary: 'Mask nothing', security: [{ bearer: [] }], response: { 200: PrivacySchema, ...errors } },
  }, (req) => vault.settings.setPrivacy(principalOf(req), null));
}
