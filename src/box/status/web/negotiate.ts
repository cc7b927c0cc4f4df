import type { FastifyRequest } from 'fastify';

/** A script or tool that asked for JSON gets JSON; a browser's form post gets a page. */
export function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}
