// GET /console/privacy-notice (R14, issue 9): the privacy notice, rendered at each request from
// the running configuration: the indexer config's `controller` section, the retention every box
// reports in its status, the console's second-factor roles. No login: the public reads it, and a
// logged-in person sees it in their own frame. In the person's language (a cookie), Finnish by
// default; the Finnish one is the notice the controller publishes. Without a `controller`
// section: 503 and an alert naming it, never a half notice.
import type { FastifyInstance } from 'fastify';
import { CONSOLE_ROLES } from '../../../core/auth/index.js';
import type { ConsoleContext } from '../context.js';
import { personOf, send, translatorFor } from '../page-kit.js';
import { announcementOf, noticeUnavailablePage, privacyNoticePage, retentionOf } from '../pages/privacy-notice.js';
import { consoleMay } from '../rights.js';

/** The indexer config section the notice is rendered from. */
export const CONTROLLER_SECTION = 'controller';

export function privacyNoticeRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { deps } = ctx;
  if (!deps.controller) {
    deps.log.warn({ section: CONTROLLER_SECTION }, 'the privacy notice cannot be rendered: the indexer config has no controller section (docs/indexer.md)');
  }
  // The notice promises a second factor only when every role that can listen must give one.
  const secondFactor = CONSOLE_ROLES.filter((r) => consoleMay(r, 'listen')).every((r) => deps.totpRoles.includes(r));

  app.get('/privacy-notice', async (request, reply) => {
    const t = translatorFor(ctx, request);
    // The notice never depends on a login: an unreadable accounts file leaves it a public page.
    const person = await personOf(ctx, request).catch(() => undefined);
    const frame = { user: person?.viewer, csrf: reply.generateCsrf() };
    const controller = deps.controller;
    if (!controller) return send(reply, 503, noticeUnavailablePage(t, { ...frame, section: CONTROLLER_SECTION }));
    const now = deps.clock.now();
    const boxes = deps.fleet.list(now);
    return send(reply, 200, privacyNoticePage(t, { ...frame, controller, retention: retentionOf(boxes), announcement: announcementOf(boxes), secondFactor, updated: now }));
  });
}
