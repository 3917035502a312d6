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

  app.delete('/settings/privacy', {
    schema: { tags: ['settings'], summary: 'Mask nothing', security: [{ bearer: [] }], response: { 200: PrivacySchema, ...errors } },
  }, (req) => vault.settings.setPrivacy(principalOf(req), null));
}
