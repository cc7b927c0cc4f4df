// The page's script and stylesheet, from the app itself (the CSP allows no other origin).
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { STATUS_CSS } from '../assets/status-css.js';
import { STATUS_JS } from '../assets/status-js.js';

const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#b00020"/><circle cx="8" cy="8" r="3" fill="#fff"/></svg>';

const ASSETS: Record<string, { type: string; body: string }> = {
  '/assets/status.js': { type: 'text/javascript; charset=utf-8', body: STATUS_JS },
  '/assets/status.css': { type: 'text/css; charset=utf-8', body: STATUS_CSS },
  // Browsers ask for an icon anyway; one from the app keeps their consoles (and the CSP) quiet.
  '/assets/icon.svg': { type: 'image/svg+xml', body: ICON_SVG },
};

export function assetRoutes(app: FastifyInstance): void {
  for (const [url, asset] of Object.entries(ASSETS)) {
    const etag = `"${createHash('sha256').update(asset.body).digest('base64url').slice(0, 22)}"`;
    app.get(url, async (request, reply) => {
      reply.header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    });
  }
}
