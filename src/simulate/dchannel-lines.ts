// The transmit side of an ISDN BRI's D channel, as a trace logger prints it: one line per LAPD
// frame, `<` network to user, `>` user to network, hex bytes (docs/signals-isdn.md).
import { encodeLapd } from '../box/signals/lapd.js';
import { encodeQ931, MT } from '../box/signals/q931.js';
import { encodeBearerCapability, encodeCalledNumber, encodeCallingNumber, encodeCause, encodeChannelId, encodeIe, IE } from '../box/signals/q931-ie.js';

const TEI = 64;
/** The office's own number, as the called number of incoming calls. */
const OWN_NUMBER = '0295020000';

export interface DChannelCall {
  /** 0 → B1, 1 → B2 */
  line: number;
  direction: 'incoming' | 'outgoing';
  /** the caller (incoming) or the number dialled (outgoing); 'withheld': presentation restricted */
  number?: string;
  /** ms from the trunk's start */
  setupMs: number;
  answerMs: number;
  hangupMs: number;
}

/** Frame lines for each call: SETUP … CONNECT … DISCONNECT, RELEASE, RELEASE COMPLETE. */
export function dchannelLines(calls: readonly DChannelCall[]): { atMs: number; text: string }[] {
  const out: { atMs: number; text: string }[] = [];
  let ns = { toNet: 0, toUser: 0 };
  const frame = (atMs: number, toNetwork: boolean, q931: Uint8Array) => {
    // Commands: C/R 0 from the user side, 1 from the network side (Q.921 3.3.2).
    const control = { format: 'I' as const, ns: (toNetwork ? ns.toNet++ : ns.toUser++) % 128, nr: (toNetwork ? ns.toUser : ns.toNet) % 128, poll: false };
    const bytes = encodeLapd({ sapi: 0, cr: toNetwork ? 0 : 1, tei: TEI, control, info: q931 });
    out.push({ atMs, text: `${toNetwork ? '>' : '<'} ${Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ')}` });
  };
  calls.forEach((c, i) => {
    const value = (i % 126) + 1;
    const channel = encodeIe(IE.CHANNEL_ID, encodeChannelId({ interfaceType: 'basic', exclusive: true, selection: c.line === 0 ? 'B1' : 'B2' }));
    const bearer = encodeIe(IE.BEARER_CAPABILITY, encodeBearerCapability());
    const fromNet = c.direction === 'incoming';
    // flag 0: sent by the side that allocated the call reference
    const ref = (sentByOriginator: boolean) => ({ length: 1, flag: (sentByOriginator ? 0 : 1) as 0 | 1, value });
    if (fromNet) {
      const calling =
        c.number === 'withheld'
          ? encodeIe(IE.CALLING_NUMBER, encodeCallingNumber({ digits: '', presentation: 'restricted' }))
          : encodeIe(IE.CALLING_NUMBER, encodeCallingNumber({ digits: c.number ?? '', typeOfNumber: 'national', presentation: 'allowed', screening: 'network' }));
      frame(c.setupMs, false, encodeQ931(ref(true), MT.SETUP, [bearer, channel, calling, encodeIe(IE.CALLED_NUMBER, encodeCalledNumber({ digits: OWN_NUMBER, typeOfNumber: 'national' }))]));
      frame(c.answerMs, true, encodeQ931(ref(false), MT.CONNECT));
      frame(c.answerMs + 20, false, encodeQ931(ref(true), MT.CONNECT_ACKNOWLEDGE));
    } else {
      frame(c.setupMs, true, encodeQ931(ref(true), MT.SETUP, [bearer, encodeIe(IE.CALLED_NUMBER, encodeCalledNumber({ digits: c.number ?? '', typeOfNumber: 'national' }))]));
      frame(c.setupMs + 50, false, encodeQ931(ref(false), MT.CALL_PROCEEDING, [channel]));
      frame(c.answerMs, false, encodeQ931(ref(false), MT.CONNECT));
    }
    const cause = encodeIe(IE.CAUSE, encodeCause({ value: 16, location: 'public-local' }));
    frame(c.hangupMs, !fromNet, encodeQ931(ref(true), MT.DISCONNECT, [cause]));
    frame(c.hangupMs + 30, fromNet, encodeQ931(ref(false), MT.RELEASE));
    frame(c.hangupMs + 60, !fromNet, encodeQ931(ref(true), MT.RELEASE_COMPLETE));
  });
  return out.sort((a, b) => a.atMs - b.atMs);
}
