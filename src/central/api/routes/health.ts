// GET /healthz, without authentication: whether the index answers, and nothing else. No version,
// path or count: an unauthenticated caller learns neither what runs nor how busy it is.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { safeError } from '../log-safe.js';

/** One probe of the index per this many ms at most, however often /healthz is asked. */
const CACHE_MS = 1000;
const PROBE_TIMEOUT_MS = 2000;

export function healthRoute(app: FastifyInstance, ctx: RouteContext): void {
  let last: { at: number; ok: boolean } | undefined;
  let inflight: Promise<boolean> | undefined;

  const probe = async (): Promise<boolean> => {
    const now = ctx.deps.clock.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      // An empty time window: the index is asked, nothing of what it holds is read.
      const answered = ctx.deps.index.search({ from: now, to: now + 1, limit: 1 }).then(() => true);
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
        timer.unref();
      });
      return await Promise.race([answered, timedOut]);
    } catch (err) {
      ctx.deps.log.warn({ error: safeError(err) }, 'health probe: the index did not answer');
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  app.get('/healthz', async (_request, reply) => {
    const now = ctx.deps.clock.now();
    if (!last || now - last.at >= CACHE_MS || now < last.at) {
      inflight ??= probe().finally(() => (inflight = undefined));
      last = { at: now, ok: await inflight };
    }
    return reply.code(last.ok ? 200 : 503).send({ ok: last.ok });
  });
}
