// Headers on every answer. The CSP allows only the app's own script and stylesheet (no inline
// code, no other origin, no framing, forms post only here); pages are never cached, since they
// show a box's state and carry form tokens; no referrer leaves the page.
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('cross-origin-opener-policy', 'same-origin')
      .header('cross-origin-resource-policy', 'same-origin')
      .header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    // The assets are the same for everyone and hold nothing: they may be kept, but checked.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', request.url.startsWith('/assets/') ? 'no-cache' : 'no-store');
  });
}
