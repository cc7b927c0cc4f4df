// Headers on every answer. The CSP allows only the app's own script and stylesheet (no inline
// code, no other origin, no framing, forms post only here); pages are never cached, since they
// show a box's state and carry form tokens; no referrer leaves the page.
import type { FastifyInstance } from 'fastify';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../../../core/security-headers.js';

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy(['script-src', 'style-src', 'img-src', 'connect-src']);

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    reply.headers({ 'content-security-policy': CONTENT_SECURITY_POLICY, ...SECURITY_HEADERS });
    // The assets are the same for everyone and hold nothing: they may be kept, but checked.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', request.url.startsWith('/assets/') ? 'no-cache' : 'no-store');
  });
}
