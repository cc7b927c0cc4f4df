// Placeholder: being built (issue 9).
import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context.js';

export function disclosuresRoutes(_app: FastifyInstance, _ctx: ConsoleContext): void {}
