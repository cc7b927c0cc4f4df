// Cross-checks for the Q.931 decoder, against Wireshark and against itself.
//
// 1. Hand-made SETUP / CONNECT / DISCONNECT variants (national and international numbers,
//    presentation restricted, BRI and PRI channel ids, causes 16/17/31) are written as the
//    very trace lines the reader takes; text2pcap turns that file into a capture (regex mode,
//    link type 203 = LINKTYPE_LAPD: raw Q.921 frames, no pseudo-header; the `<`/`>` mark
//    becomes the pcapng direction flag, which the LAPD dissector reads as network->user /
//    user->network); tshark dissects it to JSON; every IE our decoder reads must read the same
//    in tshark: numbers, presentation, channel, cause. The hexdump form goes the same way.
// 2. 100,000 fuzzed frames (random valid messages from the encoders and the variants above,
//    then byte flips, bit flips, truncation, random IE lengths, inserted and deleted octets):
//    the decoders never throw, every refusal carries a known code, every IE they accept says
//    exactly what its octets say (re-encoding the decoded value gives the octets back),
//    untouched frames decode to exactly what was encoded, the reader counts every frame once,
//    and whatever our decoder reports, tshark reads the same at the same offset.
// The tshark parts are skipped when text2pcap or tshark is not installed.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DChannel, type DChannelFrame } from '../../../src/box/signals/dchannel.js';
import { carriesLayer3, decodeLapd, encodeLapd, type LapdControl } from '../../../src/box/signals/lapd.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';
import {
  CAUSE_NAMES,
  IE,
  decodeBearerCapability,
  decodeCalledNumber,
  decodeCallingNumber,
  decodeCause,
  decodeChannelId,
  decodeDisplay,
  decodeProgress,
  decodeQ931,
  encodeBearerCapability,
  encodeCalledNumber,
  encodeCallingNumber,
  encodeCause,
  encodeChannelId,
  encodeIe,
  encodeProgress,
  encodeQ931,
  encodeText,
  q931Events,
  type BearerCapability,
  type CallEvent,
  type Cause,
  type CauseLocation,
  type ChannelId,
  type ChannelIdInit,
  type NumberingPlan,
  type PartyNumber,
  type PartyNumberInit,
  type Presentation,
  type Progress,
  type Q931Message,
  type Screening,
  type TypeOfNumber,
} from '../../../src/box/signals/q931.js';

// tshark over 100,000 frames takes a while on a busy machine: more than tap's default 30 s.
t.setTimeout(300_000);

/** A private scratch folder (not t.testdir: a concurrent run of the suite must not share it). */
function scratch(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-q931-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const have = (cmd: string) => spawnSync(cmd, ['-v'], { encoding: 'utf8' }).status === 0;
const tools = have('tshark') && have('text2pcap');

// ---------------------------------------------------------------------------------------
// The recipe.

const TRACE_REGEX = String.raw`^(?<time>\S+) (?<dir>[<>]) (?<data>[0-9a-fA-F]+)$`;

function tsharkJson(dir: string, trace: string, layers = 'frame lapd q931 _ws'): TsharkPacket[] {
  const txt = join(dir, 'trace.txt');
  const pcap = join(dir, 'trace.pcapng');
  writeFileSync(txt, trace);
  const t2p = spawnSync('text2pcap', ['-q', '-t', 'ISO', '-l', '203', '-r', TRACE_REGEX, txt, pcap], { encoding: 'utf8' });
  if (t2p.status !== 0) throw new Error(`text2pcap: ${t2p.stderr}`);
  const ts = spawnSync('tshark', ['-r', pcap, '-T', 'json', '-x', '--no-duplicate-keys', '-J', layers], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (ts.status !== 0) throw new Error(`tshark: ${ts.stderr}`);
  return (JSON.parse(ts.stdout) as { _source: { layers: TsharkPacket } }[]).map((p) => p._source.layers);
}

type Tree = { [k: string]: string | string[] | Tree | Tree[] };
interface TsharkPacket {
  frame: Tree;
  lapd?: Tree;
  q931?: Tree;
  '_ws.malformed'?: unknown;
}

const one = (v: unknown): string | undefined => (Array.isArray(v) ? (v[0] as string) : (v as string | undefined));
const num = (v: unknown): number | undefined => (one(v) === undefined ? undefined : Number(one(v)));
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/**
 * Wireshark's view of one Q.931 message: header, and the IEs we decode, in order, as text,
 * each with the frame offset of its identifier octet (from `-x`).
 */
function fromTshark(p: TsharkPacket) {
  const q = p.q931 ?? {};
  const ies: string[] = [];
  const at = new Map<number, string>();
  for (const [key, value] of Object.entries(q)) {
    if (key.startsWith('q931.')) continue;
    for (const ie of (Array.isArray(value) ? value : [value]) as Tree[]) {
      if (typeof ie !== 'object' || Array.isArray(ie)) continue;
      const name = key.replace(/[:'].*$/, '').trim();
      const before = ies.length;
      if (name === 'Calling party number' || name === 'Connected number') {
        const pres = num(ie['q931.presentation_ind']);
        const scr = num(ie['q931.screening_ind']);
        const digits = one(ie[name === 'Calling party number' ? 'q931.calling_party_number.digits' : 'q931.connected_number.digits']) ?? '';
        ies.push(`${name === 'Calling party number' ? 'calling' : 'connected'}:${num(ie['q931.number_type'])}/${num(ie['q931.numbering_plan'])}/${pres ?? '-'}/${scr ?? '-'}/${digits}`);
      } else if (name === 'Called party number') {
        ies.push(`called:${num(ie['q931.number_type'])}/${num(ie['q931.numbering_plan'])}/${one(ie['q931.called_party_number.digits']) ?? ''}`);
      } else if (name === 'Channel identification') {
        ies.push(`channel:${num(ie['q931.channel.interface_type'])}/${num(ie['q931.channel.exclusive'])}/${num(ie['q931.channel.dchan'])}/${num(ie['q931.channel.selection'])}/${list(ie['q931.channel.number']).join(',')}`);
      } else if (name === 'Cause' && num(ie['q931.coding_standard']) === 0) {
        ies.push(`cause:${num(ie['q931.coding_standard'])}/${num(ie['q931.cause_location'])}/${num(ie['q931.cause_value'])}`);
      } else if (name === 'Display') {
        ies.push(`display:${one(ie['q931.display_information']) ?? ''}`);
      } else if (name === 'Progress indicator' && num(ie['q931.coding_standard']) === 0) {
        ies.push(`progress:${num(ie['q931.progress_indicator.location'])}/${num(ie['q931.progress_indicator.description'])}`);
      } else if (name === 'Bearer capability' && num(ie['q931.coding_standard']) === 0) {
        ies.push(`bearer:${num(ie['q931.information_transfer_capability'])}/${num(ie['q931.transfer_mode'])}/${num(ie['q931.information_transfer_rate'])}/${num(ie['q931.uil1']) ?? '-'}`);
      }
      // The IE's own identifier is the first q931.information_element in its subtree (a cause
      // lists the IEs its diagnostic names after it).
      const raws = ie['q931.information_element_raw'] as unknown as [string, number] | [string, number][] | undefined;
      const raw = raws && Array.isArray(raws[0]) ? (raws[0] as [string, number]) : (raws as [string, number] | undefined);
      if (ies.length > before && raw) at.set(raw[1], ies[ies.length - 1]!);
    }
  }
  const callRef = one(q['q931.call_ref']);
  return {
    sapi: num(p.lapd?.['lapd.address_tree'] && (p.lapd['lapd.address_tree'] as Tree)['lapd.sapi']),
    tei: num(p.lapd?.['lapd.address_tree'] && (p.lapd['lapd.address_tree'] as Tree)['lapd.tei']),
    direction: num(p.lapd?.['lapd.direction']) === 1 ? 'from-network' : 'to-network',
    callRef: callRef === undefined ? 0 : parseInt(callRef.replace(/:/g, ''), 16),
    callRefFlag: num(q['q931.call_ref_flag']) ?? 0,
    type: num(q['q931.message_type']),
    ies,
    at,
    malformed: p['_ws.malformed'] !== undefined,
    epoch: Number(one(p.frame['frame.time_epoch'])),
  };
}

// Our decoder's view in the same terms: Wireshark shows field values as numbers, so names are
// mapped back to the code points they stand for.
const TON = ['unknown', 'international', 'national', 'network-specific', 'subscriber', 'reserved', 'abbreviated', 'reserved'];
const tonCode = (name: string, raw: number) => (name === 'reserved' ? (raw === 5 || raw === 7 ? raw : `RESERVED-BUT-KNOWN-${raw}`) : TON.indexOf(name));
const NPI: Record<string, number> = { unknown: 0, isdn: 1, data: 3, telex: 4, national: 8, private: 9 };
const PRES = ['allowed', 'restricted', 'unavailable'];
const SCREEN = ['user-not-screened', 'user-verified-passed', 'user-verified-failed', 'network'];
const LOC: Record<string, number> = { user: 0, 'private-local': 1, 'public-local': 2, transit: 3, 'public-remote': 4, 'private-remote': 5, international: 7, 'beyond-interworking': 10 };
const CAP: Record<string, number> = { speech: 0, 'unrestricted-digital': 8, 'restricted-digital': 9, '3.1khz-audio': 16, 'unrestricted-digital-tones': 17, video: 24 };
const RATE: Record<string, number> = { packet: 0, '64k': 16, '2x64k': 17, '384k': 19, '1536k': 21, '1920k': 23, multirate: 24 };
const MODE: Record<string, number> = { circuit: 0, packet: 2 };
const L1: Record<string, number> = { v110: 1, 'g711-ulaw': 2, 'g711-alaw': 3, g721: 4, h221: 5, h223: 6, 'non-itu': 7, v120: 8, x31: 9 };
const SEL_BRI: Record<string, number> = { none: 0, B1: 1, B2: 2, any: 3 };
const SEL_PRI: Record<string, number> = { none: 0, indicated: 1, any: 3 };

/**
 * The code point a name stands for. For `reserved` the raw code is used, and it must indeed
 * be one the table does not name (else the name was wrong: reported as a mismatch).
 */
function code(table: Record<string, number>, name: string, raw: number): number | string {
  if (name !== 'reserved') return table[name] ?? `UNKNOWN-NAME-${name}`;
  return Object.values(table).includes(raw) ? `RESERVED-BUT-KNOWN-${raw}` : raw;
}

/** Every codeset-0 IE our decoder accepts, in order, in Wireshark's terms. */
function ours(m: Q931Message): string[] {
  return oursAt(m, 0).map((e) => e.text);
}

/** The same, each with the frame offset of its identifier octet (`base`: where Q.931 starts). */
function oursAt(m: Q931Message, base: number): { offset: number; text: string }[] {
  const entries: { offset: number; text: string }[] = [];
  const out = { push: (text: string) => entries.push({ offset: base + current, text }) };
  let current = 0;
  for (const ie of m.ies) {
    current = ie.offset;
    if (ie.codeset !== 0 || ie.single) continue;
    const c = ie.contents;
    switch (ie.id) {
      case IE.CALLING_NUMBER:
      case IE.CONNECTED_NUMBER: {
        const r = decodeCallingNumber(c);
        if (!r.ok) break;
        const n = r.value;
        const pres = n.screening === undefined ? '-' : PRES.indexOf(n.presentation);
        const scr = n.screening === undefined ? '-' : SCREEN.indexOf(n.screening);
        out.push(`${ie.id === IE.CALLING_NUMBER ? 'calling' : 'connected'}:${tonCode(n.typeOfNumber, (c[0]! >> 4) & 7)}/${code(NPI, n.numberingPlan, c[0]! & 15)}/${pres}/${scr}/${n.digits}`);
        break;
      }
      case IE.CALLED_NUMBER: {
        const r = decodeCalledNumber(c);
        if (r.ok) out.push(`called:${tonCode(r.value.typeOfNumber, (c[0]! >> 4) & 7)}/${code(NPI, r.value.numberingPlan, c[0]! & 15)}/${r.value.digits}`);
        break;
      }
      case IE.CHANNEL_ID: {
        const r = decodeChannelId(c);
        if (!r.ok) break;
        const v = r.value;
        const sel = (v.interfaceType === 'basic' ? SEL_BRI : SEL_PRI)[v.selection];
        // Slot maps, national codings and H-channel units are not read as numbers: no claim
        // about them (the `?` matches whatever tshark lists).
        const numbers = v.slotMap === undefined && !(v.selection === 'indicated' && v.channels === undefined) ? (v.channels ?? []).join(',') : '?';
        out.push(`channel:${v.interfaceType === 'primary' ? 1 : 0}/${v.exclusive ? 1 : 0}/${v.dChannel ? 1 : 0}/${sel}/${numbers}`);
        break;
      }
      case IE.CAUSE: {
        const r = decodeCause(c);
        if (r.ok && r.value.codingStandard === 'itu-t') out.push(`cause:0/${code(LOC, r.value.location, c[0]! & 15)}/${r.value.value}`);
        break;
      }
      case IE.DISPLAY: {
        const r = decodeDisplay(c);
        if (r.ok) out.push(`display:${r.value}`);
        break;
      }
      case IE.PROGRESS: {
        const r = decodeProgress(c);
        if (r.ok && r.value.codingStandard === 'itu-t') out.push(`progress:${code(LOC, r.value.location, c[0]! & 15)}/${r.value.description}`);
        break;
      }
      case IE.BEARER_CAPABILITY: {
        const r = decodeBearerCapability(c);
        if (r.ok && r.value.codingStandard === 'itu-t') {
          const b = r.value;
          const l1 = b.layer1 === undefined ? '-' : code(L1, b.layer1, c[c.findIndex((x, k) => k >= 2 && (x & 0x60) === 0x20)]! & 31);
          out.push(`bearer:${code(CAP, b.capability!, c[0]! & 31)}/${code(MODE, b.transferMode!, (c[1]! >> 5) & 3)}/${code(RATE, b.rate!, c[1]! & 31)}/${l1}`);
        }
        break;
      }
    }
  }
  return entries;
}

/** Our entry equals tshark's (a `?` channel list matches any list). */
const same = (ours: string, theirs: string | undefined) => theirs !== undefined && (ours === theirs || (ours.endsWith('/?') && theirs.startsWith(ours.slice(0, -1))));

// ---------------------------------------------------------------------------------------
// Hand-made variants.

interface Variant {
  name: string;
  dir: '<' | '>';
  frame: Uint8Array;
  /** What the call event must say (checked against tshark too). */
  event: Partial<Record<string, unknown>>;
}

const I = (ns = 0, nr = 0): LapdControl => ({ format: 'I', ns, nr, poll: false });
const UI: LapdControl = { format: 'U', kind: 'UI', pf: false };
const lapd = (dir: '<' | '>', tei: number, control: LapdControl, info: Uint8Array) => encodeLapd({ sapi: 0, cr: dir === '<' ? 1 : 0, tei, control, info });
const bri = (flag: 0 | 1, value: number) => ({ length: 1, flag, value });
const pri = (flag: 0 | 1, value: number) => ({ length: 2, flag, value });
const calling = (n: PartyNumberInit) => encodeIe(IE.CALLING_NUMBER, encodeCallingNumber(n));
const called = (n: PartyNumberInit) => encodeIe(IE.CALLED_NUMBER, encodeCalledNumber(n));
const channel = (c: ChannelIdInit) => encodeIe(IE.CHANNEL_ID, encodeChannelId(c));
const cause = (value: number, location: Parameters<typeof encodeCause>[0]['location'], recommendation?: number) =>
  encodeIe(IE.CAUSE, encodeCause(recommendation === undefined ? { value, location } : { value, location, recommendation }));
const speech = encodeIe(IE.BEARER_CAPABILITY, encodeBearerCapability({ capability: 'speech', layer1: 'g711-alaw' }));
const audio = encodeIe(IE.BEARER_CAPABILITY, encodeBearerCapability({ capability: '3.1khz-audio', layer1: 'g711-alaw' }));

const variants: Variant[] = [
  {
    name: 'BRI SETUP in: national calling, allowed; subscriber called; B1 exclusive',
    dir: '<',
    frame: lapd('<', 127, UI, encodeQ931(bri(0, 5), 0x05, [speech, channel({ interfaceType: 'basic', exclusive: true, selection: 'B1' }), calling({ digits: '0401234567', typeOfNumber: 'national', presentation: 'allowed', screening: 'user-verified-passed' }), called({ digits: '1234', typeOfNumber: 'subscriber' })])),
    event: { kind: 'setup', direction: 'incoming', calling: '0401234567', called: '1234', presentation: 'allowed', channel: 'B1' },
  },
  {
    name: 'BRI SETUP in: international calling, restricted; national called; B2 preferred; display',
    dir: '<',
    frame: lapd('<', 127, UI, encodeQ931(bri(0, 6), 0x05, [0xa1, audio, channel({ interfaceType: 'basic', selection: 'B2' }), encodeIe(IE.DISPLAY, encodeText('Matti M')), calling({ digits: '358401234567', typeOfNumber: 'international', presentation: 'restricted', screening: 'network' }), called({ digits: '091234567', typeOfNumber: 'national' })])),
    event: { kind: 'setup', calling: '358401234567', called: '091234567', presentation: 'restricted', channel: 'B2', display: 'Matti M', complete: true },
  },
  {
    name: 'BRI SETUP in: restricted, no digits; unknown type',
    dir: '<',
    frame: lapd('<', 127, UI, encodeQ931(bri(0, 7), 0x05, [speech, channel({ interfaceType: 'basic', exclusive: true, selection: 'B1' }), calling({ digits: '', typeOfNumber: 'unknown', presentation: 'restricted', screening: 'network' }), called({ digits: '555', typeOfNumber: 'unknown' })])),
    event: { kind: 'setup', presentation: 'restricted', called: '555', channel: 'B1' },
  },
  {
    name: 'BRI SETUP out from TEI 64: calling without octet 3a; international called; any channel',
    dir: '>',
    frame: lapd('>', 64, I(3, 2), encodeQ931(bri(0, 9), 0x05, [speech, channel({ interfaceType: 'basic', selection: 'any' }), calling({ digits: '2345', typeOfNumber: 'subscriber' }), called({ digits: '4930123456', typeOfNumber: 'international' })])),
    event: { kind: 'setup', direction: 'outgoing', callKey: 'out:64:9', calling: '2345', called: '4930123456', presentation: 'allowed' },
  },
  {
    name: 'BRI SETUP in: two calling numbers (user-provided, network-provided)',
    dir: '<',
    frame: lapd('<', 127, UI, encodeQ931(bri(0, 8), 0x05, [speech, channel({ interfaceType: 'basic', exclusive: true, selection: 'B2' }), calling({ digits: '0501234567', typeOfNumber: 'national', presentation: 'allowed', screening: 'user-not-screened' }), calling({ digits: '0401111111', typeOfNumber: 'national', presentation: 'allowed', screening: 'network' }), called({ digits: '1234', typeOfNumber: 'subscriber' })])),
    event: { kind: 'setup', calling: '0501234567', channel: 'B2' },
  },
  {
    name: 'BRI CONNECT from TEI 64 answering the incoming call, B1',
    dir: '>',
    frame: lapd('>', 64, I(0, 1), encodeQ931(bri(1, 5), 0x07, [channel({ interfaceType: 'basic', exclusive: true, selection: 'B1' })])),
    event: { kind: 'connect', direction: 'incoming', callKey: 'in:5', channel: 'B1' },
  },
  {
    name: 'BRI CONNECT from the network for the outgoing call, B2, connected number',
    dir: '<',
    frame: lapd('<', 64, I(4, 4), encodeQ931(bri(1, 9), 0x07, [channel({ interfaceType: 'basic', exclusive: true, selection: 'B2' }), encodeIe(IE.CONNECTED_NUMBER, encodeCallingNumber({ digits: '4930123456', typeOfNumber: 'international', presentation: 'allowed', screening: 'network' }))])),
    event: { kind: 'connect', direction: 'outgoing', channel: 'B2', connected: '4930123456' },
  },
  {
    name: 'BRI DISCONNECT from the network: cause 16, public network serving the local user',
    dir: '<',
    frame: lapd('<', 64, I(5, 1), encodeQ931(bri(0, 5), 0x45, [cause(16, 'public-local')])),
    event: { kind: 'disconnect', cause: { value: 16, location: 'public-local' } },
  },
  {
    name: 'BRI DISCONNECT from the user: cause 17 user busy, location user',
    dir: '>',
    frame: lapd('>', 64, I(1, 6), encodeQ931(bri(1, 5), 0x45, [cause(17, 'user')])),
    event: { kind: 'disconnect', direction: 'incoming', cause: { value: 17, location: 'user' } },
  },
  {
    name: 'BRI DISCONNECT: cause 31, remote public network, with in-band progress',
    dir: '<',
    frame: lapd('<', 64, I(6, 2), encodeQ931(bri(1, 9), 0x45, [cause(31, 'public-remote'), encodeIe(IE.PROGRESS, encodeProgress({ description: 8, location: 'public-local' }))])),
    event: { kind: 'disconnect', direction: 'outgoing', cause: { value: 31, location: 'public-remote' } },
  },
  {
    name: 'BRI RELEASE COMPLETE: cause 16 with the recommendation octet',
    dir: '<',
    frame: lapd('<', 64, I(7, 3), encodeQ931(bri(0, 5), 0x5a, [cause(16, 'public-local', 0)])),
    event: { kind: 'release', cause: { value: 16, recommendation: 0 } },
  },
  {
    name: 'PRI SETUP in: slot 17 exclusive; international calling; national called (DDI)',
    dir: '<',
    frame: lapd('<', 0, I(0, 0), encodeQ931(pri(0, 0x0123), 0x05, [speech, channel({ interfaceType: 'primary', exclusive: true, channels: [17] }), calling({ digits: '358912345678', typeOfNumber: 'international', presentation: 'allowed', screening: 'network' }), called({ digits: '0912340000', typeOfNumber: 'national' })])),
    event: { kind: 'setup', callRef: 0x0123, callKey: 'in:291', channel: 17, calling: '358912345678', called: '0912340000' },
  },
  {
    name: 'PRI SETUP in: interface 1, slot 5; national calling, restricted with digits',
    dir: '<',
    frame: lapd('<', 0, I(1, 0), encodeQ931(pri(0, 0x7ffe), 0x05, [speech, channel({ interfaceType: 'primary', exclusive: true, interfaceId: 1, channels: [5] }), calling({ digits: '0401234567', typeOfNumber: 'national', presentation: 'restricted', screening: 'network' }), called({ digits: '100', typeOfNumber: 'unknown' })])),
    event: { kind: 'setup', channel: 5, presentation: 'restricted', calling: '0401234567', called: '100' },
  },
  {
    name: 'PRI SETUP out: slot 30 preferred',
    dir: '>',
    frame: lapd('>', 0, I(2, 2), encodeQ931(pri(0, 0x0042), 0x05, [speech, channel({ interfaceType: 'primary', channels: [30] }), calling({ digits: '0912340001', typeOfNumber: 'national', presentation: 'allowed', screening: 'user-not-screened' }), called({ digits: '0401234567', typeOfNumber: 'national' })])),
    event: { kind: 'setup', direction: 'outgoing', callKey: 'out:0:66', channel: 30 },
  },
  {
    name: 'PRI CONNECT from the user: slot 17',
    dir: '>',
    frame: lapd('>', 0, I(3, 2), encodeQ931(pri(1, 0x0123), 0x07, [channel({ interfaceType: 'primary', exclusive: true, channels: [17] })])),
    event: { kind: 'connect', direction: 'incoming', channel: 17 },
  },
  {
    name: 'PRI DISCONNECT: cause 17, private network serving the local user',
    dir: '>',
    frame: lapd('>', 0, I(4, 3), encodeQ931(pri(1, 0x0123), 0x45, [cause(17, 'private-local')])),
    event: { kind: 'disconnect', cause: { value: 17, location: 'private-local' } },
  },
  {
    name: 'PRI DISCONNECT: cause 31, international network',
    dir: '<',
    frame: lapd('<', 0, I(5, 5), encodeQ931(pri(1, 0x0042), 0x45, [cause(31, 'international')])),
    event: { kind: 'disconnect', direction: 'outgoing', cause: { value: 31, location: 'international' } },
  },
  {
    name: 'PRI RELEASE: cause 16',
    dir: '<',
    frame: lapd('<', 0, I(6, 5), encodeQ931(pri(0, 0x0123), 0x4d, [cause(16, 'public-local')])),
    event: { kind: 'release', cause: { value: 16 } },
  },
  {
    name: 'INFORMATION: overlap digits in a called number, sending complete',
    dir: '>',
    frame: lapd('>', 64, I(8, 8), encodeQ931(bri(0, 9), 0x7b, [0xa1, called({ digits: '78', typeOfNumber: 'unknown' })])),
    event: { kind: 'digits', digits: '78', complete: true },
  },
  {
    name: 'SETUP with a locking shift to codeset 6 after the codeset-0 IEs',
    dir: '<',
    frame: lapd('<', 127, UI, encodeQ931(bri(0, 10), 0x05, [speech, calling({ digits: '0401234567', typeOfNumber: 'national', presentation: 'allowed', screening: 'network' }), 0x96, encodeIe(0x6c, Uint8Array.of(0x21, 0x83, 0x39, 0x39))])),
    event: { kind: 'setup', calling: '0401234567' },
  },
  {
    name: 'SETUP with a non-locking shift to codeset 5 for one IE, then codeset 0 again',
    dir: '<',
    frame: lapd('<', 127, UI, encodeQ931(bri(0, 11), 0x05, [speech, 0x9d, encodeIe(0x28, encodeText('zz')), calling({ digits: '0401234567', typeOfNumber: 'national', presentation: 'allowed', screening: 'network' })])),
    event: { kind: 'setup', calling: '0401234567' },
  },
];

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const stamp = (i: number) => new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + i * 1500).toISOString().replace('Z', '000Z');

t.test('hand-made SETUP / CONNECT / DISCONNECT variants read the same in tshark', { skip: tools ? false : 'tshark/text2pcap not installed' }, async (t) => {
  const dir = scratch(t);
  const trace = variants.map((v, i) => `${stamp(i)} ${v.dir} ${hexOf(v.frame)}\n`).join('');
  const packets = tsharkJson(dir, trace);
  t.equal(packets.length, variants.length, 'tshark read every frame');

  // Our side: the very same text through the reader.
  const reader = new DChannel();
  const frames: DChannelFrame[] = [];
  reader.on('data', (f: DChannelFrame) => frames.push(f));
  reader.end(trace);
  await new Promise((r) => reader.on('end', r));
  t.equal(frames.length, variants.length, 'the reader read every frame');

  variants.forEach((v, i) => {
    const f = frames[i]!;
    const ws = fromTshark(packets[i]!);
    t.test(v.name, async (t) => {
      t.notOk(ws.malformed, 'tshark finds it well-formed');
      t.ok(f.q931, 'our decoder decodes it');
      const m = f.q931!;
      t.same(m.problems, []);
      t.equal(ws.epoch * 1000, Date.parse(f.at!), 'same timestamp');
      t.same([f.direction, f.lapd.sapi, f.lapd.tei], [ws.direction, ws.sapi, ws.tei], 'LAPD: direction, SAPI, TEI');
      t.same([m.callRef.value, m.callRef.flag, m.type], [ws.callRef, ws.callRefFlag, ws.type], 'call reference and message type');
      t.same(ours(m), ws.ies, 'every codeset-0 IE reads the same');
      const [e] = q931Events({ direction: f.direction, lapd: f.lapd, q931: m });
      t.match(e as CallEvent, v.event, 'the call event');
      // The event's numbers, channel and cause, straight against tshark's fields.
      const p = packets[i]!;
      const q = p.q931!;
      const sub = (prefix: string) => Object.entries(q).filter(([k]) => k.startsWith(prefix)).flatMap(([, x]) => (Array.isArray(x) ? x : [x])) as Tree[];
      if (e && e.kind === 'setup') {
        t.equal(e.calling, one(sub('Calling party number')[0]?.['q931.calling_party_number.digits']), 'calling = tshark');
        t.equal(e.called, one(sub('Called party number')[0]?.['q931.called_party_number.digits']), 'called = tshark');
      }
      if (e && 'channel' in e && e.channel !== undefined) {
        const ch = sub('Channel identification')[0]!;
        const want = num(ch['q931.channel.interface_type']) === 1 ? num(ch['q931.channel.number']) : ['none', 'B1', 'B2', 'any'][num(ch['q931.channel.selection'])!];
        t.equal(e.channel, want, 'channel = tshark');
      }
      if (e && 'cause' in e && e.cause !== undefined) {
        t.equal(e.cause.value, num(sub('Cause')[0]!['q931.cause_value']), 'cause value = tshark');
        t.equal(LOC[e.cause.location], num(sub('Cause')[0]!['q931.cause_location']), 'cause location = tshark');
      }
    });
  });
});

t.test('the hexdump form (text2pcap -D -t ISO) gives tshark and the reader the same octets', { skip: tools ? false : 'tshark/text2pcap not installed' }, async (t) => {
  const dir = scratch(t);
  let dump = '';
  variants.forEach((v, i) => {
    dump += `${v.dir === '<' ? 'I' : 'O'} ${stamp(i)}\n`;
    for (let o = 0; o < v.frame.length; o += 16) {
      const row = Array.from(v.frame.subarray(o, o + 16), (b) => b.toString(16).padStart(2, '0'));
      const ascii = Array.from(v.frame.subarray(o, o + 16), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      dump += `${o.toString(16).padStart(4, '0')}  ${row.slice(0, 8).join(' ')}  ${row.slice(8).join(' ')}`.padEnd(56) + `   ${ascii}\n`;
    }
    dump += '\n';
  });
  const txt = join(dir, 'dump.txt');
  const pcap = join(dir, 'dump.pcapng');
  writeFileSync(txt, dump);
  // -a: without it text2pcap takes a short last row's ASCII column ("34") for more octets.
  t.equal(spawnSync('text2pcap', ['-q', '-a', '-D', '-t', 'ISO', '-l', '203', txt, pcap]).status, 0, 'text2pcap reads the dump');
  const ts = spawnSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'lapd.direction', '-e', 'frame.len'], { encoding: 'utf8' });
  const rows = ts.stdout.trim().split('\n').map((l) => l.split('\t'));
  const raw = spawnSync('tshark', ['-r', pcap, '-T', 'json', '-x', '-j', 'frame'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const bytes = (JSON.parse(raw.stdout) as { _source: { layers: { frame_raw: [string] } } }[]).map((p) => p._source.layers.frame_raw[0]);

  const reader = new DChannel();
  const frames: DChannelFrame[] = [];
  reader.on('data', (f: DChannelFrame) => frames.push(f));
  reader.end(dump);
  await new Promise((r) => reader.on('end', r));
  t.equal(frames.length, variants.length);
  t.same(reader.stats().badLines + reader.stats().unrecognisedLines, 0);
  frames.forEach((f, i) => {
    t.equal(hexOf(f.bytes), bytes[i], `${variants[i]!.name}: same octets`);
    t.equal(Number(rows[i]![0]) * 1000, Date.parse(f.at!), 'same time');
    t.equal(rows[i]![1] === '1' ? 'from-network' : 'to-network', f.direction, 'same direction');
  });
});

// ---------------------------------------------------------------------------------------
// 100,000 fuzzed frames.

function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const TONS: TypeOfNumber[] = ['unknown', 'international', 'national', 'network-specific', 'subscriber', 'abbreviated'];
const NPIS: NumberingPlan[] = ['unknown', 'isdn', 'data', 'telex', 'national', 'private'];
const PRESENTATIONS: Presentation[] = ['allowed', 'restricted', 'unavailable'];
const SCREENS: Screening[] = ['user-not-screened', 'user-verified-passed', 'user-verified-failed', 'network'];
const LOCS: CauseLocation[] = ['user', 'private-local', 'public-local', 'transit', 'public-remote', 'private-remote', 'international', 'beyond-interworking'];
const TYPES = [0x05, 0x01, 0x02, 0x07, 0x0f, 0x45, 0x4d, 0x5a, 0x7b, 0x03, 0x0d];

/** What a generated message holds, as the decoder should report it. */
interface Truth {
  callRef: { length: number; flag: 0 | 1; value: number };
  type: number;
  callingNumbers: PartyNumber[];
  called?: PartyNumber;
  channel?: ChannelId;
  causes: Cause[];
  progress: Progress[];
  bearer?: BearerCapability;
  display?: string;
  sendingComplete: boolean;
}

const digits = (r: Rng, max: number) => Array.from({ length: r.int(max + 1) }, () => r.pick([...'0123456789*#'])).join('');
const printable = (r: Rng, max: number) => Array.from({ length: r.int(max + 1) }, () => String.fromCharCode(0x20 + r.int(95))).join('');

function generate(r: Rng): { frame: Uint8Array; dir: '<' | '>'; truth?: Truth; infoStart: number } {
  const pri = r.chance(0.5);
  const truth: Truth = {
    callRef: pri ? { length: 2, flag: r.int(2) as 0 | 1, value: 1 + r.int(0x7ffe) } : { length: 1, flag: r.int(2) as 0 | 1, value: 1 + r.int(126) },
    type: r.pick(TYPES),
    callingNumbers: [],
    causes: [],
    progress: [],
    sendingComplete: false,
  };
  const ies: (Uint8Array | number)[] = [];
  if (r.chance(0.3)) {
    ies.push(0xa1);
    truth.sendingComplete = true;
  }
  if (r.chance(0.5)) {
    const b: BearerCapability = { codingStandard: 'itu-t', capability: r.pick(['speech', '3.1khz-audio', 'unrestricted-digital'] as const), transferMode: 'circuit', rate: '64k' };
    if (r.chance(0.7)) b.layer1 = r.pick(['g711-alaw', 'g711-ulaw']);
    ies.push(encodeIe(IE.BEARER_CAPABILITY, encodeBearerCapability(b)));
    truth.bearer = b;
  }
  for (let n = r.chance(0.4) ? 1 + r.int(2) : 0; n > 0; n--) {
    const c: Cause = { codingStandard: 'itu-t', location: r.pick(LOCS), value: r.int(128), diagnostics: Uint8Array.from({ length: r.int(3) }, () => r.int(256)) };
    if (r.chance(0.3)) c.recommendation = 0;
    if (CAUSE_NAMES[c.value] !== undefined) c.name = CAUSE_NAMES[c.value]!;
    ies.push(encodeIe(IE.CAUSE, encodeCause(c)));
    truth.causes.push(c);
  }
  if (r.chance(0.6)) {
    const ch: ChannelId = pri
      ? { interfaceType: 'primary', exclusive: r.chance(0.5), dChannel: false, selection: 'indicated', codingStandard: 'itu-t', channels: [1 + r.int(31)] }
      : { interfaceType: 'basic', exclusive: r.chance(0.5), dChannel: false, selection: r.pick(['B1', 'B2', 'any', 'none'] as const) };
    if (pri && r.chance(0.2)) ch.interfaceId = r.int(128);
    ies.push(encodeIe(IE.CHANNEL_ID, encodeChannelId(ch)));
    truth.channel = ch;
  }
  if (r.chance(0.3)) {
    const p: Progress = { codingStandard: 'itu-t', location: r.pick(LOCS), description: r.pick([1, 2, 3, 4, 5, 8]) };
    ies.push(encodeIe(IE.PROGRESS, encodeProgress(p)));
    truth.progress.push(p);
  }
  if (r.chance(0.3)) {
    truth.display = printable(r, 30);
    ies.push(encodeIe(IE.DISPLAY, encodeText(truth.display)));
  }
  for (let n = r.chance(0.6) ? 1 + r.int(2) : 0; n > 0; n--) {
    const with3a = r.chance(0.8);
    const p: PartyNumber = { digits: digits(r, 16), typeOfNumber: r.pick(TONS), numberingPlan: r.pick(NPIS), presentation: with3a ? r.pick(PRESENTATIONS) : 'allowed' };
    if (with3a) p.screening = r.pick(SCREENS);
    // without octet 3a the decoder assumes presentation allowed; the encoder must not write 3a
    ies.push(encodeIe(IE.CALLING_NUMBER, encodeCallingNumber(with3a ? p : { digits: p.digits, typeOfNumber: p.typeOfNumber, numberingPlan: p.numberingPlan })));
    truth.callingNumbers.push(p);
  }
  if (r.chance(0.6)) {
    const p: PartyNumber = { digits: digits(r, 16), typeOfNumber: r.pick(TONS), numberingPlan: r.pick(NPIS), presentation: 'allowed' };
    ies.push(encodeIe(IE.CALLED_NUMBER, encodeCalledNumber(p)));
    truth.called = p;
  }
  if (r.chance(0.2)) ies.push(encodeIe(IE.USER_USER, Uint8Array.from({ length: r.int(8) }, () => r.int(256)))); // not decoded
  if (r.chance(0.2)) {
    // codeset 5 or 6 after a locking shift: IEs that must not be read as codeset 0
    ies.push(0x90 | (5 + r.int(2)));
    ies.push(encodeIe(r.pick([IE.CALLING_NUMBER, IE.DISPLAY, IE.CAUSE]), encodeText(digits(r, 6))));
  }
  const info = encodeQ931(truth.callRef, truth.type, ies);
  const dir = r.chance(0.5) ? '<' : '>';
  const control: LapdControl = r.chance(0.7) ? { format: 'I', ns: r.int(128), nr: r.int(128), poll: false } : { format: 'U', kind: 'UI', pf: false };
  const frame = encodeLapd({ sapi: 0, cr: dir === '<' ? 1 : 0, tei: control.format === 'U' ? 127 : r.int(127), control, info });
  return { frame, dir, truth, infoStart: frame.length - info.length };
}

function mutate(r: Rng, f: Uint8Array, m: Q931Message, infoStart: number): { bytes: Uint8Array; kind: string } {
  const b = Array.from(f);
  const kind = r.pick(['none', 'byte', 'bit', 'truncate', 'ie-length', 'insert', 'delete'] as const);
  switch (kind) {
    case 'byte':
      for (let n = 1 + r.int(3); n > 0; n--) b[r.int(b.length)] = r.int(256);
      break;
    case 'bit':
      for (let n = 1 + r.int(3); n > 0; n--) b[r.int(b.length)]! ^= 1 << r.int(8);
      break;
    case 'truncate':
      b.length = r.int(b.length);
      break;
    case 'ie-length': {
      const vl = m.ies.filter((ie) => !ie.single);
      if (vl.length > 0) b[infoStart + r.pick(vl).offset + 1] = r.int(48);
      break;
    }
    case 'insert':
      b.splice(r.int(b.length + 1), 0, r.int(256));
      break;
    case 'delete':
      b.splice(r.int(b.length), 1);
      break;
    case 'none':
      break;
  }
  return { bytes: Uint8Array.from(b), kind };
}

// Round trip: each IE the decoder accepted, encoded again from the decoded value, must give
// its octets back (spare bits masked; the parts the encoders do not write are compared raw).
const SPARE: Record<number, (c: Uint8Array) => Uint8Array> = {
  [IE.CALLING_NUMBER]: (c) => (c.length > 1 && !(c[0]! & 0x80) ? Uint8Array.from(c, (x, i) => (i === 1 ? x & 0xe3 : x)) : c),
  [IE.CONNECTED_NUMBER]: (c) => (c.length > 1 && !(c[0]! & 0x80) ? Uint8Array.from(c, (x, i) => (i === 1 ? x & 0xe3 : x)) : c),
  [IE.CAUSE]: (c) => Uint8Array.from(c, (x, i) => (i === 0 ? x & 0xef : x)),
  [IE.PROGRESS]: (c) => Uint8Array.from(c, (x, i) => (i === 0 ? x & 0xef : x)),
  [IE.CHANNEL_ID]: (c) => Uint8Array.from(c, (x, i) => (i === 0 ? x & 0xef : x)),
};

function roundTrip(m: Q931Message): string[] {
  const bad: string[] = [];
  const seen = { calling: 0, cause: 0, progress: 0 };
  for (const ie of m.ies) {
    if (ie.codeset !== 0 || ie.single) continue;
    const c = SPARE[ie.id]?.(ie.contents) ?? ie.contents;
    const check = (what: string, encoded: Uint8Array | undefined, contents = c) => {
      if (encoded !== undefined && Buffer.compare(Buffer.from(encoded), Buffer.from(contents)) !== 0) bad.push(`${what} @${ie.offset}: ${Buffer.from(contents).toString('hex')} decoded and re-encoded as ${Buffer.from(encoded).toString('hex')}`);
    };
    const problem = m.problems.some((p) => p.offset === ie.offset);
    if (problem) continue;
    switch (ie.id) {
      case IE.CALLING_NUMBER: {
        const n = m.callingNumbers[seen.calling++];
        if (!n) {
          bad.push(`calling @${ie.offset} accepted but not reported`);
          break;
        }
        if (n.typeOfNumber === 'reserved' || n.numberingPlan === 'reserved') break; // the raw code is not kept
        // no screening reported = no octet 3a in the IE (presentation then assumed allowed)
        check('calling', encodeCallingNumber(n.screening === undefined ? { digits: n.digits, typeOfNumber: n.typeOfNumber, numberingPlan: n.numberingPlan } : n));
        break;
      }
      case IE.CALLED_NUMBER:
        if (m.called && m.called.typeOfNumber !== 'reserved' && m.called.numberingPlan !== 'reserved' && m.ies.find((x) => x.id === IE.CALLED_NUMBER && x.codeset === 0 && !m.problems.some((p) => p.offset === x.offset)) === ie)
          check('called', encodeCalledNumber(m.called));
        break;
      case IE.CAUSE: {
        const k = m.causes[seen.cause++]!;
        if (k.location === 'reserved') break;
        const enc = encodeCause({ ...k, ...(k.diagnostics.length ? { diagnostics: k.diagnostics } : {}) });
        check('cause', enc);
        break;
      }
      case IE.PROGRESS: {
        const p = m.progress[seen.progress++]!;
        if (p.location !== 'reserved' && p.codingStandard === 'itu-t') check('progress', encodeProgress(p));
        break;
      }
      case IE.CHANNEL_ID: {
        const ch = m.channel;
        if (!ch || m.ies.find((x) => x.id === IE.CHANNEL_ID && x.codeset === 0 && !m.problems.some((p) => p.offset === x.offset)) !== ie) break;
        if (ch.slotMap || (ch.interfaceId !== undefined && ch.interfaceId > 127) || (ch.selection === 'indicated' && ch.channels === undefined)) break;
        check('channel', encodeChannelId(ch));
        break;
      }
      case IE.DISPLAY:
        if (m.display !== undefined && m.ies.find((x) => x.id === IE.DISPLAY && x.codeset === 0 && !m.problems.some((p) => p.offset === x.offset)) === ie) check('display', encodeText(m.display));
        break;
    }
  }
  return bad;
}

const ERROR_CODES = new Set(['LAPD_TOO_SHORT', 'LAPD_BAD_ADDRESS', 'LAPD_BAD_CONTROL', 'LAPD_BAD_LENGTH', 'Q931_TOO_SHORT', 'Q931_NOT_Q931', 'Q931_BAD_CALL_REF', 'Q931_BAD_MESSAGE_TYPE', 'Q931_IE_TRUNCATED']);

/** A variant from the table above, as a starting point for mutation (no ground truth kept). */
function fromVariant(r: Rng): { frame: Uint8Array; dir: '<' | '>'; truth?: Truth; infoStart: number } {
  const v = r.pick(variants);
  const l2 = decodeLapd(v.frame);
  return { frame: v.frame, dir: v.dir, infoStart: l2.ok ? v.frame.length - l2.frame.info.length : 0 };
}

interface Fuzzed {
  bytes: Uint8Array;
  dir: '<' | '>';
  kind: string;
}
const fuzzed: Fuzzed[] = [];

t.test('100,000 fuzzed frames: no throw, typed refusals, every accepted IE says what its octets say', async (t) => {
  const N = 100_000;
  const r = prng(20240501);
  const failures: string[] = [];
  const tally: Record<string, number> = {};
  const lines: string[] = [];
  const expected: (Q931Message | undefined)[] = [];
  let untouched = 0;
  let acceptedIes = 0;
  for (let i = 0; i < N; i++) {
    const g = r.chance(0.2) ? fromVariant(r) : generate(r);
    const original = decodeQ931(g.frame.subarray(g.infoStart));
    if (!original.ok) {
      failures.push(`${i}: generated frame does not decode: ${original.error.code}`);
      continue;
    }
    const { bytes, kind } = mutate(r, g.frame, original.message, g.infoStart);
    lines.push(`${g.dir} ${Buffer.from(bytes).toString('hex')}`);
    fuzzed.push({ bytes, dir: g.dir, kind });
    let l2, l3;
    try {
      l2 = decodeLapd(bytes);
      l3 = l2.ok && carriesLayer3(l2.frame) ? decodeQ931(l2.frame.info) : undefined;
    } catch (err) {
      failures.push(`${i} ${kind}: threw ${String(err)}`);
      expected.push(undefined);
      continue;
    }
    const outcome = !l2.ok ? l2.error.code : !l3 ? 'no-layer3' : l3.ok ? 'ok' : l3.error.code;
    tally[outcome] = (tally[outcome] ?? 0) + 1;
    if (!l2.ok && !ERROR_CODES.has(l2.error.code)) failures.push(`${i}: unknown code ${l2.error.code}`);
    if (l3 && !l3.ok && !ERROR_CODES.has(l3.error.code)) failures.push(`${i}: unknown code ${l3.error.code}`);
    expected.push(l3?.ok ? l3.message : undefined);
    if (!l3?.ok) continue;
    const m = l3.message;
    // Each IE record points at its own octets.
    const info = l2.ok ? l2.frame.info : new Uint8Array(0);
    for (const ie of m.ies) {
      if (info[ie.offset] !== ie.id || (!ie.single && (info[ie.offset + 1] !== ie.contents.length || ie.contents.byteOffset !== info.byteOffset + ie.offset + 2))) failures.push(`${i}: IE record @${ie.offset} does not point at its octets`);
    }
    const rt = roundTrip(m);
    for (const x of rt) failures.push(`${i} ${kind} ${lines[lines.length - 1]}: ${x}`);
    acceptedIes += m.ies.length - m.problems.length;
    if (kind === 'none' && g.truth) {
      untouched++;
      const want = g.truth;
      const got = { callRef: m.callRef, type: m.type, callingNumbers: m.callingNumbers, called: m.called, channel: m.channel, causes: m.causes, progress: m.progress, bearer: m.bearer, display: m.display, sendingComplete: m.sendingComplete };
      // key order does not matter; byte arrays compare by content
      const norm = (x: unknown) =>
        JSON.stringify(x, (_k, v: unknown) =>
          v instanceof Uint8Array ? Array.from(v) : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
        );
      if (norm(got) !== norm(want) || m.problems.length) failures.push(`${i}: untouched frame decoded differently: ${norm(got)} vs ${norm(want)}`);
    }
  }
  t.same(failures.slice(0, 10), [], `no failures (${failures.length})`);
  t.ok(untouched > N / 20, `${untouched} untouched frames decoded exactly as encoded`);
  t.comment(`outcomes: ${JSON.stringify(tally)}; ${acceptedIes} IEs accepted and re-encoded`);

  // The same frames as trace lines, in odd chunks, through the reader: each frame counted
  // once, and what it emits is what the pure decoders say.
  const reader = new DChannel();
  const emitted: DChannelFrame[] = [];
  reader.on('data', (f: DChannelFrame) => emitted.push(f));
  const text = lines.join('\n') + '\n';
  const done = new Promise((res) => reader.on('end', res));
  for (let i = 0; i < text.length; ) {
    const n = 1 + r.int(5000);
    reader.write(text.slice(i, i + n));
    i += n;
  }
  reader.end();
  await done;
  const s = reader.stats();
  t.equal(s.lines, lines.length, 'every line read');
  t.equal(s.frameLines + s.ignoredLines + s.unrecognisedLines + s.badLines, s.lines, 'every line in one bucket');
  t.equal(s.frames, lines.length - s.badLines - s.ignoredLines - s.unrecognisedLines, 'frames counted');
  t.equal(s.emitted + s.badFrames + s.noDirection, s.frames, 'every frame emitted or counted as refused');
  // A frame truncated to nothing leaves a bare `<` or `>`: a preamble line, ignored, not a frame.
  const empty = lines.filter((l) => l.length === 2).length;
  t.equal(s.ignoredLines, empty, 'bare direction marks ignored');
  t.equal(s.badFrames, Object.entries(tally).filter(([k]) => k.startsWith('LAPD_')).reduce((a, [, v]) => a + v, 0) - empty, 'LAPD refusals match');
  t.equal(s.q931, tally.ok ?? 0, 'Q.931 messages match');
  t.equal(s.badQ931 + s.otherLayer3, Object.entries(tally).filter(([k]) => k.startsWith('Q931_')).reduce((a, [, v]) => a + v, 0), 'Q.931 refusals match');
  const decodedByReader = emitted.filter((f) => f.q931).length;
  t.equal(decodedByReader, tally.ok ?? 0);
  let mismatch = 0;
  for (const f of emitted) {
    const want = expected[f.line - 1];
    if (f.q931 && (!want || want.ies.length !== f.q931.ies.length || want.type !== f.q931.type)) mismatch++;
  }
  t.equal(mismatch, 0, 'the reader emits what the pure decoders decode');
  t.comment(`reader: ${JSON.stringify(s)}`);
});

t.test('the same fuzzed frames: whatever our decoder reports, tshark reads the same', { skip: tools ? false : 'tshark/text2pcap not installed' }, async (t) => {
  t.ok(fuzzed.length > 90_000, `${fuzzed.length} frames`);
  // Frames cut to nothing cannot be written to a capture.
  const frames = fuzzed.filter((f) => f.bytes.length > 0);
  const N = frames.length;
  const dir = scratch(t);
  // In batches, to keep tshark's JSON to tens of megabytes at a time.
  const packets: TsharkPacket[] = [];
  const BATCH = 10_000;
  for (let from = 0; from < N; from += BATCH) {
    const text = frames.slice(from, from + BATCH).map((f) => `${stamp(0)} ${f.dir} ${hexOf(f.bytes)}\n`).join('');
    for (const p of tsharkJson(dir, text, 'q931 _ws')) packets.push(p);
  }
  t.equal(packets.length, N, 'tshark read every frame');

  let decoded = 0;
  let agreed = 0;
  let uncompared = 0;
  let rejected = 0;
  const disagreements: string[] = [];
  for (let i = 0; i < N; i++) {
    const l2 = decodeLapd(frames[i]!.bytes);
    if (!l2.ok || !carriesLayer3(l2.frame)) {
      rejected++;
      continue;
    }
    const l3 = decodeQ931(l2.frame.info);
    if (!l3.ok) {
      rejected++;
      continue;
    }
    decoded++;
    const ws = fromTshark(packets[i]!);
    const m = l3.message;
    const hdr = [m.callRef.value, m.callRef.flag, m.type];
    if (hdr.join() !== [ws.callRef, ws.callRefFlag, ws.type].join()) disagreements.push(`${i} ${hexOf(frames[i]!.bytes)}: header ${hdr} vs ${[ws.callRef, ws.callRefFlag, ws.type]}`);
    // Every IE we accept must read the same in tshark's IE at the same offset. tshark may read
    // more (it is more lenient); where it read nothing at that offset it must have stopped
    // early on an exception (malformed), never walked past our IE.
    const base = frames[i]!.bytes.length - l2.frame.info.length;
    for (const e of oursAt(m, base)) {
      const theirs = ws.at.get(e.offset);
      if (same(e.text, theirs)) agreed++;
      else if (theirs === undefined && ws.malformed) uncompared++;
      else disagreements.push(`${i} ${hexOf(frames[i]!.bytes)} @${e.offset}: ours ${e.text}, tshark ${theirs ?? '(nothing)'}${ws.malformed ? ' (malformed)' : ''}`);
    }
  }
  t.same(disagreements.slice(0, 20), [], `no disagreements (${disagreements.length})`);
  t.ok(agreed > N / 2, `${agreed} IEs read the same by both (${decoded} messages decoded, ${rejected} refused; ${uncompared} IEs after a tshark exception not compared)`);
  t.comment(`fuzz vs tshark: ${N} frames, ${decoded} decoded, ${rejected} refused, ${agreed} IEs agreed, ${uncompared} uncompared, ${disagreements.length} disagreements`);
});
