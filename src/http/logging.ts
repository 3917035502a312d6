import type { FastifyInstance } from 'fastify';
import type { Vault } from '../context.js';

/** Hooks that write the API activity log and the audit trail for every request (filled in by the logs work). */
export function registerLogging(_app: FastifyInstance, _vault: Vault): void {}
