// Placeholder: the projects section is being built (issue 8).
import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context.js';

export function projectRoutes(_app: FastifyInstance, _ctx: ConsoleContext): void {}
