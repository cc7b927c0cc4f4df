// One line's call state machine: idle → ringing → active (→ stopped) → idle. It fuses what the
// line's audio detectors and its serial signalling say into calls with a direction and numbers.
// Pure: positions are sample counts on the capture timeline, and it acts only by returning actions.

export type Direction = 'incoming' | 'outgoing' | 'unknown';
/** Where a call's start and numbers came from. */
export type SignalSource = 'vox' | 'dtmf-clip' | 'fsk-clip' | 'dialled' | 'line-unit' | 'modem' | 'isdn';
export type ClipStatus = 'ok' | 'withheld' | 'unavailable' | 'none';
export type StopBy = 'dtmf' | 'status-page' | 'console' | 'mqtt' | 'button';
export type EndReason = 'on-hook' | 'disconnect' | 'far-end-clear' | 'silence';

export interface CallInfo {
  direction: Direction;
  /** what started the call: hook signalling, or VOX when nothing else spoke */
  source: SignalSource;
  /** where the numbers came from, if anywhere */
  numberSource?: SignalSource;
  clip: ClipStatus;
  calling?: string;
  called?: string;
  name?: string;
}

export type LineInput =
  | { type: 'ring'; at: number; source: SignalSource }
  | { type: 'caller-id'; at: number; source: SignalSource; status: ClipStatus; number?: string; name?: string }
  | { type: 'off-hook'; at: number; source: SignalSource }
  | { type: 'on-hook'; at: number; source: SignalSource }
  | { type: 'setup'; at: number; source: SignalSource; direction: 'incoming' | 'outgoing'; calling?: string; called?: string; clip?: ClipStatus }
  | { type: 'connect'; at: number; source: SignalSource }
  | { type: 'disconnect'; at: number; source: SignalSource }
  | { type: 'digit'; at: number; digit: string }
  /** the audio from `at` to `until` is line signalling (caller-ID tones), not a conversation */
  | { type: 'signalling'; at: number; until: number }
  | { type: 'vox-start'; at: number }
  | { type: 'vox-end'; at: number }
  | { type: 'far-end-clear'; at: number }
  | { type: 'stop-request'; at: number; by: StopBy }
  | { type: 'tick'; at: number };

/** A signal without its time: serial sources leave it to the line to stamp its own capture position. */
export type UntimedInput = LineInput extends infer I ? (I extends LineInput ? Omit<I, 'at'> : never) : never;

export type LineAction =
  | { type: 'start'; at: number; call: CallInfo }
  | { type: 'update'; call: CallInfo }
  /** stop recording from `at` (a caller's request, R13); the call itself goes on */
  | { type: 'stop'; at: number; by: StopBy }
  | { type: 'end'; at: number; reason: EndReason }
  /** VOX started on signalling tones, not a voice: it must listen afresh from here */
  | { type: 'rearm-vox'; at: number };

export type CallState = 'idle' | 'ringing' | 'active' | 'stopped';

export interface CallFsmOptions {
  sampleRate: number;
  /** a serial source reports this line's hook state: VOX silence alone then does not end a call */
  hookSignalling: boolean;
  /** an unanswered call is over this long after its last ring */
  ringTimeoutMs: number;
  /** caller ID sent before the first ring (Finland: DTMF) belongs to a call ringing within this */
  clipValidMs: number;
  /** a signalled start (off-hook, connect) records from this long before it */
  leadMs: number;
  /** digits dialled on an outgoing call form the called number while gaps stay below this */
  dialGapMs: number;
  /** the DTMF code a caller's request to stop recording is keyed with (R13) */
  stopCode: string;
  /** longest gap between the stop code's digits */
  stopCodeGapMs: number;
}

export interface CallFsm {
  readonly opts: CallFsmOptions;
  state: CallState;
  call: CallInfo | undefined;
  /** caller ID heard while idle, waiting for its call */
  pendingClip: { at: number; info: Partial<CallInfo> } | undefined;
  lastRing: number;
  /** outgoing call still in its dialling phase: until this position digits extend the called number */
  dialUntil: number;
  /** where the call in progress began */
  callStart: number;
  /** line signalling (caller-ID tones) heard up to here: VOX starting on it is not a call */
  signalUntil: number;
  /** a VOX start waiting to be confirmed as a voice (not caller-ID tones): its onset */
  pendingVox: number | undefined;
  /** keypad digits heard while idle: dialling that began before VOX noticed the call */
  idleDigits: { at: number; digit: string }[];
  /** stop-code digits matched so far, and where the first began */
  code: { matched: number; from: number; last: number };
}

export function createCallFsm(opts: CallFsmOptions): CallFsm {
  if (opts.stopCode !== '' && !/^[0-9*#A-D]{1,8}$/.test(opts.stopCode)) {
    throw new TypeError(`stopCode must be 1–8 DTMF digits (0-9 * # A-D), got "${opts.stopCode}"`);
  }
  return { opts, state: 'idle', call: undefined, pendingClip: undefined, lastRing: 0, dialUntil: -1, callStart: 0, signalUntil: -1, pendingVox: undefined, idleDigits: [], code: { matched: 0, from: 0, last: 0 } };
}

const ms = (f: CallFsm, v: number) => Math.round((v / 1000) * f.opts.sampleRate);

/** VOX's onset may fall this far after the last signalling tone and still be that tone's echo. */
const SIGNAL_MARGIN_MS = 300;
/** A VOX start is confirmed as a voice this long after its onset: past an FSK burst's seizure. */
const VOX_CONFIRM_MS = 600;

/**
 * True while the digits heard so far could be the start of the stop code: the line then holds
 * its audio back from the encoder, so that a completed code's own tones are never stored.
 */
export function stopCodePending(f: CallFsm, at: number): boolean {
  return f.code.matched > 0 && at - f.code.last <= ms(f, f.opts.stopCodeGapMs);
}

export function callStep(f: CallFsm, event: LineInput): LineAction[] {
  let input = event;
  const out: LineAction[] = [];
  const expireClip = () => {
    if (f.pendingClip && input.at - f.pendingClip.at > ms(f, f.opts.clipValidMs)) f.pendingClip = undefined;
  };
  const begin = (at: number, call: CallInfo) => {
    f.state = 'active';
    f.call = call;
    f.callStart = at;
    f.code = { matched: 0, from: 0, last: 0 };
    out.push({ type: 'start', at: Math.max(0, at), call: { ...call } });
  };
  const finish = (at: number, reason: EndReason) => {
    out.push({ type: 'end', at, reason });
    f.state = 'idle';
    f.call = undefined;
    f.pendingClip = undefined;
    f.dialUntil = -1;
  };
  const withClip = (call: CallInfo): CallInfo => (f.pendingClip ? { ...call, ...f.pendingClip.info } : call);
  const lead = ms(f, f.opts.leadMs);
  if (input.type === 'signalling') {
    f.signalUntil = Math.max(f.signalUntil, input.until);
    return out;
  }
  // Caller ID before the answer is loud enough for VOX, but it is the exchange talking, not a
  // call. An FSK burst opens with a seizure that no detector can tell from noise, so a VOX start
  // waits a moment: signalling heard meanwhile makes it no call. The pre-roll keeps the audio.
  if (input.type === 'vox-start' && (f.state === 'idle' || f.state === 'ringing')) {
    f.pendingVox = input.at;
    return out;
  }
  if (f.pendingVox !== undefined && input.type === 'tick' && input.at - f.pendingVox >= ms(f, VOX_CONFIRM_MS)) {
    const onset = f.pendingVox;
    f.pendingVox = undefined;
    if (onset <= f.signalUntil + ms(f, SIGNAL_MARGIN_MS)) {
      out.push({ type: 'rearm-vox', at: input.at });
      return out;
    }
    input = { type: 'vox-start', at: onset };
  } else if (f.pendingVox !== undefined && input.type === 'vox-end') {
    f.pendingVox = undefined;
    return out;
  }

  switch (f.state) {
    case 'idle': {
      expireClip();
      switch (input.type) {
        case 'caller-id':
          f.pendingClip = { at: input.at, info: clipInfo(input) };
          break;
        case 'ring':
          f.state = 'ringing';
          f.lastRing = input.at;
          f.call = withClip({ direction: 'incoming', source: input.source, clip: 'none' });
          break;
        case 'setup':
          if (input.direction === 'incoming') {
            f.state = 'ringing';
            f.lastRing = input.at;
            f.call = setupInfo(input);
          } else {
            begin(input.at - lead, setupInfo(input));
          }
          break;
        case 'off-hook':
          // Off-hook with no ring before it: staff picked up the handset to dial out.
          begin(input.at - lead, { direction: 'outgoing', source: input.source, clip: 'none' });
          f.dialUntil = input.at + ms(f, f.opts.dialGapMs * 2);
          break;
        case 'digit':
          if (/[A-D]/.test(input.digit)) f.idleDigits = [];
          else f.idleDigits = [...f.idleDigits.filter((d) => input.at - d.at <= ms(f, f.opts.dialGapMs)), { at: input.at, digit: input.digit }];
          break;
        case 'vox-start': {
          // Nothing signalled this call: caller ID just before it means it came in; keyed digits
          // at its start mean someone is dialling out.
          const dialled = f.pendingClip ? [] : f.idleDigits.filter((d) => d.at >= input.at - ms(f, SIGNAL_MARGIN_MS));
          f.idleDigits = [];
          if (dialled.length > 0) {
            begin(input.at, { direction: 'outgoing', source: 'vox', clip: 'none', called: dialled.map((d) => d.digit).join(''), numberSource: 'dialled' });
            f.dialUntil = dialled.at(-1)!.at + ms(f, f.opts.dialGapMs);
          } else {
            begin(input.at, withClip({ direction: f.pendingClip ? 'incoming' : 'unknown', source: 'vox', clip: 'none' }));
          }
          break;
        }
        default:
          break;
      }
      break;
    }
    case 'ringing': {
      const call = f.call!;
      switch (input.type) {
        case 'ring':
          f.lastRing = input.at;
          break;
        case 'caller-id':
          if (call.clip === 'none') {
            f.call = { ...call, ...clipInfo(input) };
          }
          break;
        case 'setup':
          f.call = { ...call, ...setupInfo(input), source: call.source };
          break;
        case 'off-hook':
        case 'connect':
          begin(input.at - lead, call);
          break;
        case 'vox-start':
          begin(input.at, call);
          break;
        case 'on-hook':
        case 'disconnect':
          // Unanswered: nothing was said, nothing to record.
          f.state = 'idle';
          f.call = undefined;
          f.pendingClip = undefined;
          break;
        case 'tick':
          if (input.at - f.lastRing > ms(f, f.opts.ringTimeoutMs)) {
            f.state = 'idle';
            f.call = undefined;
            f.pendingClip = undefined;
          }
          break;
        default:
          break;
      }
      break;
    }
    case 'active':
    case 'stopped': {
      const call = f.call!;
      switch (input.type) {
        case 'on-hook':
          finish(input.at, 'on-hook');
          break;
        case 'disconnect':
          finish(input.at, 'disconnect');
          break;
        case 'far-end-clear':
          finish(input.at, 'far-end-clear');
          break;
        case 'vox-end':
          if (!f.opts.hookSignalling || call.source === 'vox') finish(input.at, 'silence');
          break;
        case 'caller-id':
          if (call.clip === 'none') {
            f.call = { ...call, ...clipInfo(input) };
            out.push({ type: 'update', call: { ...f.call } });
          }
          break;
        case 'setup':
          // Signalling has caught up with a call VOX found first: from now on it follows the call.
          f.call = { ...call, ...setupInfo(input) };
          out.push({ type: 'update', call: { ...f.call } });
          break;
        case 'off-hook':
        case 'connect':
          if (call.source === 'vox') {
            f.call = { ...call, source: input.source };
            out.push({ type: 'update', call: { ...f.call } });
          }
          break;
        case 'digit':
          if (call.direction === 'unknown' && call.source === 'vox' && call.called === undefined && input.at - f.callStart <= ms(f, f.opts.dialGapMs)) {
            // A call that VOX found and that opens with keyed digits is someone dialling out.
            f.call = { ...call, direction: 'outgoing', called: input.digit, numberSource: 'dialled' };
            f.dialUntil = input.at + ms(f, f.opts.dialGapMs);
            out.push({ type: 'update', call: { ...f.call } });
          } else if (call.direction === 'outgoing' && input.at <= f.dialUntil) {
            f.call = { ...call, called: (call.called ?? '') + input.digit, numberSource: 'dialled' };
            f.dialUntil = input.at + ms(f, f.opts.dialGapMs);
            out.push({ type: 'update', call: { ...f.call } });
          } else if (f.state === 'active') {
            matchStopCode(f, input.at, input.digit, out);
          }
          break;
        case 'stop-request':
          if (f.state === 'active') {
            f.state = 'stopped';
            out.push({ type: 'stop', at: input.at, by: input.by });
          }
          break;
        case 'tick':
          if (f.code.matched > 0 && !stopCodePending(f, input.at)) f.code.matched = 0;
          break;
        default:
          break;
      }
      break;
    }
  }
  return out;
}

function matchStopCode(f: CallFsm, at: number, digit: string, out: LineAction[]): void {
  const code = f.opts.stopCode;
  if (code === '') return;
  if (f.code.matched > 0 && !stopCodePending(f, at)) f.code.matched = 0;
  if (code[f.code.matched] === digit) {
    if (f.code.matched === 0) f.code.from = at;
    f.code.matched++;
    f.code.last = at;
  } else {
    f.code.matched = code[0] === digit ? 1 : 0;
    f.code.from = at;
    f.code.last = at;
  }
  if (f.code.matched === code.length) {
    f.state = 'stopped';
    f.code.matched = 0;
    out.push({ type: 'stop', at: f.code.from, by: 'dtmf' });
  }
}

function clipInfo(input: { source: SignalSource; status: ClipStatus; number?: string; name?: string }): Partial<CallInfo> {
  return {
    clip: input.status,
    numberSource: input.source,
    ...(input.number !== undefined ? { calling: input.number } : {}),
    ...(input.name !== undefined ? { name: input.name } : {}),
  };
}

function setupInfo(input: Extract<LineInput, { type: 'setup' }>): CallInfo {
  return {
    direction: input.direction,
    source: input.source,
    numberSource: input.source,
    clip: input.clip ?? (input.calling ? 'ok' : 'none'),
    ...(input.calling !== undefined ? { calling: input.calling } : {}),
    ...(input.called !== undefined ? { called: input.called } : {}),
  };
}
