import type { ClipStatus, UntimedInput } from '../line/call-fsm.js';
import type { CallEvent, ChannelRef } from './q931.js';

/** A call on the D channel, followed until it has a B channel and so a line. */
interface Followed {
  channel?: ChannelRef;
  setup?: Extract<UntimedInput, { type: 'setup' }>;
  setupSent: boolean;
}

/**
 * Turns a D channel's call events into line inputs. A call's B channel (its line) may come
 * after its SETUP (an outgoing SETUP asks for any channel; CALL PROCEEDING names one), so
 * each call is followed by its call key until it ends. Events for a call whose channel is
 * never named reach no line.
 */
export class IsdnCalls {
  private readonly calls = new Map<string, Followed>();

  /** Returns the line (by the source's channel key: B1, B2, or a timeslot) and what it is told. */
  onEvent(e: CallEvent): { key: string; input: UntimedInput }[] {
    const call = this.calls.get(e.callKey) ?? { setupSent: false };
    this.calls.set(e.callKey, call);
    const out: { key: string; input: UntimedInput }[] = [];
    const channel = 'channel' in e ? e.channel : undefined;
    if (channel !== undefined) call.channel ??= channel;
    switch (e.kind) {
      case 'setup':
        call.setup = {
          type: 'setup',
          source: 'isdn',
          direction: e.direction,
          clip: clipOf(e.presentation, e.calling),
          // A restricted number is not for the called party to keep, even if its digits came.
          ...(e.calling !== undefined && e.presentation === 'allowed' ? { calling: e.calling } : {}),
          ...(e.called !== undefined ? { called: e.called } : {}),
        };
        break;
      case 'digits':
        if (call.setup) call.setup = { ...call.setup, called: (call.setup.called ?? '') + e.digits };
        break;
      case 'connect':
        break;
      case 'disconnect':
      case 'release':
        if (call.channel !== undefined && call.setupSent) out.push({ key: String(call.channel), input: { type: 'disconnect', source: 'isdn' } });
        this.calls.delete(e.callKey);
        return out;
      default:
        break;
    }
    if (call.channel === undefined) return out;
    const key = String(call.channel);
    if (call.setup && (!call.setupSent || e.kind === 'digits')) {
      out.push({ key, input: call.setup });
      call.setupSent = true;
    }
    if (e.kind === 'connect') out.push({ key, input: { type: 'connect', source: 'isdn' } });
    return out;
  }
}

function clipOf(presentation: string, calling: string | undefined): ClipStatus {
  if (presentation === 'restricted') return 'withheld';
  if (presentation === 'unavailable' || calling === undefined) return 'unavailable';
  return 'ok';
}
