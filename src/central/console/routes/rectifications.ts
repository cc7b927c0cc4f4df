// Placeholder: being built (issue 9).
import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context.js';

export function rectificationsRoutes(_app: FastifyInstance, _ctx: ConsoleContext): void {}
