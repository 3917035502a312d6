import type { FastifyInstance } from 'fastify';
import type { Vault } from '../../context.js';

/** Native endpoints for the audit trail and the activity logs (filled in by the logs work). */
export function logRoutes(_app: FastifyInstance, _vault: Vault): void {}
