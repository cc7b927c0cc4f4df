// GET /api/calls: search the index. A supervisor's search runs within their sites only; the
// audit entry records the filters, and that a number was searched for, never the number.
import type { FastifyInstance } from 'fastify';
import type { CallQuery, Direction } from '../../index/types.js';
import { NOTICE_STATUSES, type NoticeStatus } from '../../../core/protocol/messages.js';
import { principalOf } from '../auth.js';
import type { RouteContext } from '../context.js';
import { ApiError } from '../errors.js';
import { requireRight } from '../guard.js';
import { checkNumber, indexRefusal, parseLimit, parseTime } from '../query.js';
import { seesSite, siteRefusalOf } from '../rights.js';
import { boxField, cursorField, limitField, lineField, numberField, siteField, timeField } from '../schemas.js';
import { summaryOf } from '../views.js';

interface SearchParams {
  from?: string;
  to?: string;
  site?: string;
  line?: string;
  box?: string;
  direction?: Direction;
  notice?: NoticeStatus;
  number?: string;
  limit?: string;
  cursor?: string;
}

const DIRECTIONS: readonly Direction[] = ['incoming', 'outgoing', 'unknown'];

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: timeField,
    to: timeField,
    site: siteField,
    line: lineField,
    box: boxField,
    direction: { type: 'string', enum: DIRECTIONS },
    notice: { type: 'string', enum: NOTICE_STATUSES },
    number: numberField,
    limit: limitField,
    cursor: cursorField,
  },
};

export function searchRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/calls', { schema: { querystring }, preValidation: requireRight(ctx, 'search') }, async (request) => {
    const p = principalOf(request);
    const q = request.query as SearchParams;
    const query: CallQuery = {};
    if (q.from !== undefined) query.from = parseTime('from', q.from);
    if (q.to !== undefined) query.to = parseTime('to', q.to);
    if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
      throw new ApiError(400, 'invalid-field', 'query parameter "to" must be later than "from"', 'to');
    }
    if (q.limit !== undefined) query.limit = parseLimit(q.limit);
    if (q.number !== undefined) query.number = checkNumber(q.number);
    for (const k of ['site', 'line', 'box', 'direction', 'notice', 'cursor'] as const) if (q[k] !== undefined) (query as Record<string, unknown>)[k] = q[k];
    // The audit's picture of the search: every filter but the number itself.
    const filters: Record<string, string | number | boolean> = {};
    for (const k of ['from', 'to', 'site', 'line', 'box', 'direction', 'notice', 'limit'] as const) if (query[k] !== undefined) filters[k] = query[k];
    if (query.number !== undefined) filters['number'] = true;
    if (query.cursor !== undefined) filters['cursor'] = true;

    if (query.site !== undefined && !seesSite(p, query.site)) {
      await ctx.auditor.try({ actor: p.name, action: 'search', result: 'refused', detail: { ...filters, reason: 'other-site' } });
      throw new ApiError(403, 'forbidden', siteRefusalOf(p, query.site), 'site');
    }
    if (p.sites) query.sites = p.sites;
    const page = await ctx.deps.index.search(query).catch((err: unknown) => {
      throw indexRefusal(err) ?? err;
    });
    const calls = page.calls.map(summaryOf);
    await ctx.auditor.must({ actor: p.name, action: 'search', result: 'ok', detail: { ...filters, results: calls.length } });
    return { calls, ...(page.next !== undefined ? { next: page.next } : {}) };
  });
}
