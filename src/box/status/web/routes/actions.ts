// POST /actions/…: what a person at the box may do, each by role, each audited with the
// account as actor. A technician tests the LED and restarts capture; only site staff stop a
// recording on a caller's request (R13), through the same call as the DTMF stop code. The
// answer is a redirect back to the page with a one-line message (POST, redirect, GET), or JSON
// for a client that asks for it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../../../../core/auth/index.js';
import type { WebContext } from '../context.js';
import { WebError } from '../errors.js';
import { wantsJson } from '../negotiate.js';
import { actionAnswer, emptyForm, stopForm } from '../schemas.js';
import { mustSession } from '../session.js';

export const LED_TEST_SECONDS = 10;

type Role = 'technician' | 'site-staff';

export function actionRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { audit, box } = ctx;

  /** The session, if its role may do `action`; else audited and refused with 403. */
  const allowed = async (request: FastifyRequest, role: Role, action: string, target?: string): Promise<Session> => {
    const s = mustSession(request);
    if (s.role === role) return s;
    await audit.append({ actor: s.name, action, target, result: 'refused', detail: { reason: 'role', role: s.role, remote: request.ip } });
    throw new WebError(403, 'forbidden', `Your role (${s.role}) may not do this; it is for ${role === 'site-staff' ? 'site staff' : 'technicians'}.`);
  };

  const answer = (request: FastifyRequest, reply: FastifyReply, s: Session, ok: boolean, message: string, status = 200) => {
    if (wantsJson(request)) return reply.code(ok ? 200 : status).send({ ok, message });
    ctx.flash.set(s.id, message);
    return reply.redirect('/', 303);
  };

  const opts = (body: object) => ({ schema: { body, response: { 200: actionAnswer, 409: actionAnswer, 500: actionAnswer } }, preValidation: app.csrfProtection });

  app.post('/actions/led-test', opts(emptyForm), async (request, reply) => {
    const s = await allowed(request, 'technician', 'led-test');
    box.ledTest(LED_TEST_SECONDS);
    await audit.append({ actor: s.name, action: 'led-test', result: 'ok', detail: { seconds: LED_TEST_SECONDS, remote: request.ip } });
    return answer(request, reply, s, true, `The LED shows its test pattern for ${LED_TEST_SECONDS} seconds.`);
  });

  app.post('/actions/capture-restart', opts(emptyForm), async (request, reply) => {
    const s = await allowed(request, 'technician', 'capture-restart');
    try {
      // The box audits the restart itself, with this actor.
      await box.restartCapture(`technician:${s.name}`);
    } catch (err) {
      const why = (err as Error).message;
      ctx.log.error({ err: why }, 'status page: capture restart failed');
      await audit.append({ actor: `technician:${s.name}`, action: 'capture-restart', result: 'error', detail: { error: why.slice(0, 200), remote: request.ip } });
      return answer(request, reply, s, false, `Capture could not be restarted: ${why}`, 500);
    }
    return answer(request, reply, s, true, 'Capture restarted.');
  });

  app.post<{ Body: { line: string } }>('/actions/stop', opts(stopForm), async (request, reply) => {
    const { line } = request.body;
    const s = await allowed(request, 'site-staff', 'stop-request', line);
    const r = box.stopRecording(line, 'status-page');
    await audit.append({
      actor: s.name, action: 'stop-request', target: line, result: r.stopped ? 'ok' : 'refused',
      detail: { remote: request.ip, ...(r.reason ? { reason: r.reason } : {}) },
    });
    return r.stopped
      ? answer(request, reply, s, true, `Recording on ${line} stopped: nothing said from now on is stored.`)
      : answer(request, reply, s, false, `Not stopped on ${line}: ${r.reason ?? 'the line did not stop'}.`, 409);
  });
}
