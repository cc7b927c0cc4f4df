// GET /console/search: the index searched within the person's sites (a supervisor's own; all for
// a privacy officer), filters the index cannot apply (duration, held) applied page by page, and
// the calls in progress from the boxes' status reports. Audited with its filters, `number: true`
// in place of a number.
import type { FastifyInstance } from 'fastify';
import type { BoxView } from '../../fleet/types.js';
import type { CallSummary } from '../../index/types.js';
import type { ConsoleContext } from '../context.js';
import { errorAnswer, personOf, send, translatorFor, type Person } from '../page-kit.js';
import { searchPage } from '../pages/index.js';
import type { LiveCall } from '../pages/types.js';
import { consoleMay } from '../rights.js';
import { parseSearchForm, SEARCH_FIELDS, SearchFormError, type SearchForm } from '../search-form.js';

const PAGE = 50;
/** Index pages read at most to fill one page of results when duration or held filters thin them. */
const MAX_READS = 10;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(SEARCH_FIELDS.map((f) => [f, { type: 'string', maxLength: f === 'cursor' ? 200 : 64 }])),
};

/** The sites a person may search, as the site select offers them. */
function sitesOf(person: Person, boxes: readonly BoxView[]): string[] {
  if (person.sites) return [...person.sites];
  return [...new Set(boxes.map((b) => b.site))].sort();
}

function liveCalls(boxes: readonly BoxView[], sites: readonly string[]): LiveCall[] {
  const visible = new Set(sites);
  return boxes.flatMap((b) =>
    b.state === 'lost' || !visible.has(b.site) ? [] : (b.status?.lines ?? []).filter((l) => l.state === 'active' || l.state === 'stopped').map((l) => ({ site: b.site, box: b.box, line: l.id, since: l.since ?? b.status!.ts })),
  );
}

export function searchRoute(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Querystring: SearchForm }>('/search', { schema: { querystring } }, async (request, reply) => {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect('/console/login', 303);
    if (!consoleMay(person.viewer.role, 'search')) return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
    const t = translatorFor(ctx, request);
    const now = ctx.deps.clock.now();
    const boxes = ctx.deps.fleet.list(now);
    const sites = sitesOf(person, boxes);
    const form = request.query;
    const base = { user: person.viewer, csrf: reply.generateCsrf(), query: form, sites, live: liveCalls(boxes, sites), liveAt: now };
    const searched = Object.keys(form).length > 0;
    if (!searched) return send(reply, 200, searchPage(t, { ...base, results: [] }));

    let parsed;
    try {
      parsed = parseSearchForm(form);
      if (parsed.query.site !== undefined && person.sites && !person.sites.includes(parsed.query.site)) throw new SearchFormError('site', 'search.error.choice');
    } catch (err) {
      if (!(err instanceof SearchFormError)) throw err;
      await ctx.auditor.try({ actor: person.viewer.name, action: 'rejected-input', result: 'refused', detail: { route: '/console/search', field: err.field } });
      return send(reply, 400, searchPage(t, { ...base, results: [], error: { field: err.field, message: t(err.key) } }));
    }
    const query = { ...parsed.query, limit: PAGE, ...(person.sites ? { sites: person.sites } : {}) };
    const results: CallSummary[] = [];
    let next: string | undefined = query.cursor;
    for (let reads = 0; reads < MAX_READS && results.length < PAGE; reads++) {
      const page = await ctx.deps.index.search({ ...query, ...(next !== undefined ? { cursor: next } : {}) });
      results.push(...page.calls.filter(parsed.keep));
      next = page.next;
      if (next === undefined) break;
    }
    await ctx.auditor.must({ actor: person.viewer.name, action: 'search', result: 'ok', detail: { ...parsed.audit, results: results.length, console: true } });
    return send(reply, 200, searchPage(t, { ...base, results, next }));
  });
}
