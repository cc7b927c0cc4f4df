// Placeholder: the fleet section is being built (issue 8).
import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context.js';

export function fleetRoutes(_app: FastifyInstance, _ctx: ConsoleContext): void {}
