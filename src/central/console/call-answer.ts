// The call page as every call route answers it: the call, its holds and copy, what this person
// may do with it, and what just happened (a listen granted, a hold placed or refused).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { addCalendarMonths } from '../../core/retention/index.js';
import type { IndexedCall } from '../index/types.js';
import type { ConsoleContext } from './context.js';
import { send, translatorFor, type Person } from './page-kit.js';
import { callPage } from './pages/index.js';
import type { CallPageData } from './pages/types.js';
import { consoleMay, purposesOf } from './rights.js';

export type CallExtras = Pick<CallPageData, 'listen' | 'error' | 'notice'>;

export function boxOnline(ctx: ConsoleContext, site: string, box: string): CallPageData['boxOnline'] {
  const b = ctx.deps.fleet.list(ctx.deps.clock.now()).find((x) => x.site === site && x.box === box);
  return { online: b !== undefined && b.state !== 'lost', ...(b ? { lastSeen: b.lastSeen } : {}) };
}

export async function callAnswer(
  ctx: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  o: { person: Person; call: IndexedCall; via: 'site' | 'project'; status?: number; extras?: CallExtras },
): Promise<FastifyReply> {
  const { person, call } = o;
  const role = person.viewer.role;
  const copy = await ctx.deps.copies.infoOf(call.id);
  const link = (p: { id: string; name: string; caseRef: string }) => ({ id: p.id, name: p.name, caseRef: p.caseRef });
  // The projects this person may see the recording is in (a trainer: their own), and where it could go.
  const all = consoleMay(role, 'manage-projects') ? await ctx.deps.projects.list() : await ctx.deps.projects.ofMember(person.viewer.name);
  const training = consoleMay(role, 'projects')
    ? {
        in: all.filter((p) => p.recordings.some((r) => r.id === call.id)).map(link),
        canAdd: o.via === 'site' && consoleMay(role, 'manage-projects') ? all.filter((p) => !p.recordings.some((r) => r.id === call.id)).map(link) : [],
      }
    : undefined;
  const { sealed: _sealed, seq: _seq, ...view } = call;
  return send(
    reply,
    o.status ?? 200,
    callPage(translatorFor(ctx, request), {
      user: person.viewer,
      csrf: reply.generateCsrf(),
      call: view,
      holds: call.holds,
      expiry: call.expiresAt,
      maxHoldUntil: addCalendarMonths(call.start, 12),
      canListen: consoleMay(role, 'listen'),
      // Holds are for the people who reach calls by site; a trainer's project holds are the project's.
      canHold: consoleMay(role, 'hold') && o.via === 'site',
      // Early deletion is the privacy officer's, with the registers (issue 9).
      canDelete: consoleMay(role, 'registers') && o.via === 'site',
      purposes: purposesOf(role),
      boxOnline: boxOnline(ctx, call.site, call.box),
      ...(copy ? { copyUntil: copy.expiresAt } : {}),
      via: o.via === 'project' ? 'projects' : 'search',
      training,
      ...o.extras,
    }),
  );
}
