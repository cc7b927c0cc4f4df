// Every bad config is refused with a message that names the field and says why.
import t, { type Test } from 'tap';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../../src/core/config/index.js';
import { isTalError } from '../../../src/core/errors.js';

const SOURCE = '/etc/tallennin/box.yaml';
const BASE = '/etc/tallennin';
const keyIsReadable = () => undefined;

type Doc = Record<string, any>;

function minimal(): Doc {
  return {
    box: { id: 'lpr-1', site: 'lappeenranta' },
    capture: { device: 'hw:1,0', rate: 8000, channels: 2 },
    lines: [
      { id: 'line-1', channel: 0 },
      { id: 'line-2', channel: 1 },
    ],
    storage: { path: '/var/lib/tallennin' },
    seal: { publicKey: '/etc/tallennin/controller.pub' },
  };
}

/** The ConfigError that parsing `text` throws; fails the test when it does not throw one. */
function refusal(t: Test, text: string): ConfigError {
  try {
    parseConfig(text, SOURCE, BASE, { canRead: keyIsReadable });
  } catch (err) {
    t.ok(isTalError(err, 'TAL_CONFIG_INVALID'), 'TAL_CONFIG_INVALID');
    t.ok(err instanceof ConfigError, 'a ConfigError');
    return err as ConfigError;
  }
  t.fail('the config was accepted');
  return new ConfigError(SOURCE, []);
}

const edit = (fn: (c: Doc) => void): string => {
  const c = minimal();
  fn(c);
  return stringify(c);
};

interface Case {
  name: string;
  text: string;
  path: string;
  reason: RegExp;
  /** Problems expected in all; 1 unless the mistake necessarily causes others. */
  count?: number;
}

const cases: Case[] = [
  {
    name: 'missing section',
    text: edit((c) => delete c.storage),
    path: 'storage',
    reason: /section is missing; it needs at least: path/,
  },
  {
    name: 'missing field',
    text: edit((c) => delete c.capture.device),
    path: 'capture.device',
    reason: /is missing \(expected an ALSA capture device name/,
  },
  {
    name: 'missing field in a line',
    text: edit((c) => delete c.lines[1].channel),
    path: 'lines[1].channel',
    reason: /is missing/,
  },
  {
    name: 'number written as text',
    text: edit((c) => (c.capture.rate = '8000')),
    path: 'capture.rate',
    reason: /must be 8000 or 16000 .*not the text "8000" \(write numbers without quotes\)/,
  },
  {
    name: 'text written as a number',
    text: edit((c) => (c.capture.device = 7)),
    path: 'capture.device',
    reason: /not the number 7 \(put it in quotes/,
  },
  {
    name: 'section written as a value',
    text: edit((c) => (c.vox = 'loud')),
    path: 'vox',
    reason: /must be a section of key: value settings, not the text "loud"/,
  },
  {
    name: 'lines written as a section',
    text: edit((c) => (c.lines = { id: 'line-1', channel: 0 })),
    path: 'lines',
    reason: /must be a list .*not a section/,
  },
  {
    name: 'unsupported sample rate',
    text: edit((c) => (c.capture.rate = 44100)),
    path: 'capture.rate',
    reason: /^44100 is not supported; use 8000 or 16000/,
  },
  {
    name: 'unsupported period',
    text: edit((c) => (c.capture.periodMs = 30)),
    path: 'capture.periodMs',
    reason: /^30 is not supported; use 10, 20 or 40/,
  },
  {
    name: 'too many channels',
    text: edit((c) => (c.capture.channels = 33)),
    path: 'capture.channels',
    reason: /^33 is out of range \(1–32\)/,
  },
  {
    name: 'channel beyond capture.channels',
    text: edit((c) => (c.lines[1].channel = 2)),
    path: 'lines[1].channel',
    reason: /^2 is out of range \(capture\.channels is 2, so channels are 0–1\)$/,
  },
  {
    name: 'channel beyond a single-channel device',
    text: edit((c) => {
      c.capture.channels = 1;
      c.lines.pop();
      c.lines[0].channel = 1;
    }),
    path: 'lines[0].channel',
    reason: /capture\.channels is 1, so the only channel is 0/,
  },
  {
    name: 'negative channel',
    text: edit((c) => (c.lines[0].channel = -1)),
    path: 'lines[0].channel',
    reason: /-1 is out of range \(channels are numbered from 0\)/,
  },
  {
    name: 'fractional channel',
    text: edit((c) => (c.lines[0].channel = 0.5)),
    path: 'lines[0].channel',
    reason: /0.5 must be a whole number/,
  },
  {
    name: 'duplicate line id',
    text: edit((c) => (c.lines[1].id = 'line-1')),
    path: 'lines[1].id',
    reason: /"line-1" is already the id of lines\[0\]/,
  },
  {
    name: 'two lines on one channel',
    text: edit((c) => (c.lines[1].channel = 0)),
    path: 'lines[1].channel',
    reason: /channel 0 is already used by lines\[0\] \("line-1"\); two lines cannot share a channel/,
  },
  {
    name: 'empty lines list',
    text: edit((c) => (c.lines = [])),
    path: 'lines',
    reason: /the list is empty; at least one line is needed/,
  },
  {
    name: 'more than 32 lines',
    text: edit((c) => {
      c.capture.channels = 32;
      c.lines = Array.from({ length: 33 }, (_, i) => ({ id: `line-${i}`, channel: i % 32 }));
    }),
    path: 'lines',
    reason: /has 33 entries; at most 32 lines/,
    count: 2, // 33 lines on 32 channels: two of them share one
  },
  {
    name: 'box id with uppercase',
    text: edit((c) => (c.box.id = 'LPR-1')),
    path: 'box.id',
    reason: /"LPR-1" is not allowed: use only lowercase .*MQTT topics.*\(did you mean "lpr-1"\?\)/,
  },
  {
    name: 'box site with a slash',
    text: edit((c) => (c.box.site = 'lpr/2')),
    path: 'box.site',
    reason: /"lpr\/2" is not allowed: .*MQTT topics/,
  },
  {
    name: 'box id starting with a dash',
    text: edit((c) => (c.box.id = '-lpr')),
    path: 'box.id',
    reason: /not starting with "-"/,
  },
  {
    name: 'box id of 64 characters',
    text: edit((c) => (c.box.id = 'a'.repeat(64))),
    path: 'box.id',
    reason: /at most 63 characters/,
  },
  {
    name: 'empty box site',
    text: edit((c) => (c.box.site = '')),
    path: 'box.site',
    reason: /is empty \(expected a name in lowercase/,
  },
  {
    name: 'line id with uppercase',
    text: edit((c) => (c.lines[0].id = 'Line-1')),
    path: 'lines[0].id',
    reason: /"Line-1" is not allowed.*did you mean "line-1"/,
  },
  {
    name: 'unknown key with a suggestion',
    text: edit((c) => {
      c.capture.chanels = c.capture.channels;
      delete c.capture.channels;
    }),
    path: 'capture.chanels',
    reason: /^unknown key \(did you mean "channels"\?\)$/,
  },
  {
    name: 'unknown key in a line',
    text: edit((c) => (c.lines[0].chanel = 1)),
    path: 'lines[0].chanel',
    reason: /did you mean "channel"\?/,
  },
  {
    name: 'unknown key with no close match lists the known keys',
    text: edit((c) => (c.storage.colour = 'blue')),
    path: 'storage.colour',
    reason: /^unknown key; the known keys here are: path, minFreeMb, floorPercent$/,
  },
  {
    name: 'unknown section',
    text: edit((c) => (c.voks = { onDbfs: -40 })),
    path: 'voks',
    reason: /^unknown section \(did you mean "vox"\?\)$/,
  },
  {
    name: 'offDbfs above onDbfs',
    text: edit((c) => (c.vox = { onDbfs: -40, offDbfs: -30 })),
    path: 'vox.offDbfs',
    reason: /^-30 must be below vox\.onDbfs \(-40\)/,
  },
  {
    name: 'offDbfs equal to onDbfs',
    text: edit((c) => (c.vox = { onDbfs: -40, offDbfs: -40 })),
    path: 'vox.offDbfs',
    reason: /-40 must be below vox\.onDbfs \(-40\)/,
  },
  {
    name: 'onDbfs below the default offDbfs',
    text: edit((c) => (c.vox = { onDbfs: -50 })),
    path: 'vox.onDbfs',
    reason: /-50 must be above vox\.offDbfs \(-46, the default\)/,
  },
  {
    name: 'a line override puts offDbfs above the box-wide onDbfs',
    text: edit((c) => (c.lines[1].vox = { offDbfs: -20 })),
    path: 'lines[1].vox.offDbfs',
    reason: /-20 must be below vox\.onDbfs \(-40, the default\)/,
  },
  {
    name: 'unknown key in a line vox override',
    text: edit((c) => (c.lines[1].vox = { hangMS: 100 })),
    path: 'lines[1].vox.hangMS',
    reason: /did you mean "hangMs"\?/,
  },
  {
    name: 'dBFS above full scale',
    text: edit((c) => (c.vox = { onDbfs: 3 })),
    path: 'vox.onDbfs',
    reason: /3 is out of range \(-96–0 dBFS\)/,
  },
  {
    name: 'attack too short',
    text: edit((c) => (c.vox = { attackMs: 10 })),
    path: 'vox.attackMs',
    reason: /^10 is out of range \(20–2000 ms\)$/,
  },
  {
    name: 'hang too long',
    text: edit((c) => (c.vox = { hangMs: 60001 })),
    path: 'vox.hangMs',
    reason: /^60001 is out of range \(500–60000 ms\)$/,
  },
  {
    name: 'lead negative',
    text: edit((c) => (c.vox = { leadMs: -1 })),
    path: 'vox.leadMs',
    reason: /out of range \(0–2000 ms\)/,
  },
  {
    name: 'pre-roll too long',
    text: edit((c) => (c.recorder = { preRollMs: 6000 })),
    path: 'recorder.preRollMs',
    reason: /6000 is out of range \(0–5000 ms\)/,
  },
  {
    name: 'chunk not a multiple of 20 ms',
    text: edit((c) => (c.recorder = { chunkMs: 1010 })),
    path: 'recorder.chunkMs',
    reason: /1010 must be a multiple of 20/,
  },
  {
    name: 'chunk too short',
    text: edit((c) => (c.recorder = { chunkMs: 100 })),
    path: 'recorder.chunkMs',
    reason: /100 is out of range \(200–5000 ms\)/,
  },
  {
    name: 'fractional minutes',
    text: edit((c) => (c.recorder = { maxCallMinutes: 1.5 })),
    path: 'recorder.maxCallMinutes',
    reason: /1.5 must be a whole number/,
  },
  {
    name: 'bitrate too high',
    text: edit((c) => (c.opus = { bitrate: 128000 })),
    path: 'opus.bitrate',
    reason: /128000 is out of range \(6000–64000 bit\/s\)/,
  },
  {
    name: 'negative free space',
    text: edit((c) => (c.storage.minFreeMb = -1)),
    path: 'storage.minFreeMb',
    reason: /-1 is out of range \(0 or more MB\)/,
  },
  {
    name: 'empty storage path',
    text: edit((c) => (c.storage.path = '')),
    path: 'storage.path',
    reason: /is empty/,
  },
  {
    name: 'unknown log level with a suggestion',
    text: edit((c) => (c.log = { level: 'INFO' })),
    path: 'log.level',
    reason: /^"INFO" is not a log level; use one of fatal, error, warn, info, debug, trace, silent \(did you mean "info"\?\)$/,
  },
  {
    name: 'unknown log level with no close match',
    text: edit((c) => (c.log = { level: 'verbose' })),
    path: 'log.level',
    reason: /^"verbose" is not a log level; use one of fatal, error, warn, info, debug, trace, silent$/,
  },
  {
    name: 'infinite number',
    text: edit((c) => (c.opus = { bitrate: Infinity })),
    path: 'opus.bitrate',
    reason: /Infinity is not a usable number/,
  },
  {
    name: 'empty section that has required fields',
    text: edit((c) => (c.capture = null)),
    path: 'capture',
    reason: /this section is empty; it needs at least: device, rate, channels/,
  },

  // ---- line signalling: lines[].clip, lines[].farEndTones --------------------------------
  {
    name: 'unknown caller-ID method with a suggestion',
    text: edit((c) => (c.lines[0].clip = 'dmtf')),
    path: 'lines[0].clip',
    reason: /^"dmtf" is not a caller-ID method; use dtmf, fsk-v23, fsk-bell202 or off \(did you mean "dtmf"\?\)$/,
  },
  {
    name: 'unknown caller-ID method with no close match',
    text: edit((c) => (c.lines[1].clip = 'fsk')),
    path: 'lines[1].clip',
    reason: /^"fsk" is not a caller-ID method; use dtmf, fsk-v23, fsk-bell202 or off$/,
  },
  {
    name: 'caller-ID method written as a yes/no value',
    text: edit((c) => (c.lines[0].clip = false)),
    path: 'lines[0].clip',
    reason: /must be one of dtmf, fsk-v23, fsk-bell202, off, not false/,
  },
  {
    name: 'farEndTones written as text',
    text: edit((c) => (c.lines[0].farEndTones = 'yes')),
    path: 'lines[0].farEndTones',
    reason: /^must be true or false, not the text "yes"$/,
  },

  // ---- signals -----------------------------------------------------------------------------
  {
    name: 'signals written as a section',
    text: edit((c) => (c.signals = { type: 'modem', port: '/dev/ttyACM0', lines: { 1: 'line-1' } })),
    path: 'signals',
    reason: /^must be a list of signalling sources, each with type, port and lines, not a section/,
  },
  {
    name: 'unknown source type with a suggestion',
    text: edit((c) => (c.signals = [{ type: 'modme', port: '/dev/ttyACM0', lines: { 1: 'line-1' } }])),
    path: 'signals[0].type',
    reason: /^"modme" is not a signalling source type; use line-unit, modem or isdn \(did you mean "modem"\?\)$/,
  },
  {
    name: 'source without a port',
    text: edit((c) => (c.signals = [{ type: 'line-unit', lines: { 1: 'line-1' } }])),
    path: 'signals[0].port',
    reason: /^is missing \(expected the path of a serial device, such as "\/dev\/ttyUSB0"\)$/,
  },
  {
    name: 'port that is not a full device path',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: 'ttyUSB0', lines: { 1: 'line-1' } }])),
    path: 'signals[0].port',
    reason: /^"ttyUSB0" is not a device path; write the full path, such as "\/dev\/ttyUSB0"/,
  },
  {
    name: 'unsupported baud rate',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', baud: 14400, lines: { 1: 'line-1' } }])),
    path: 'signals[0].baud',
    reason: /^14400 is not supported; use 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200 \(bit\/s\)$/,
  },
  {
    name: 'unknown key in a source',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', bauds: 9600, lines: { 1: 'line-1' } }])),
    path: 'signals[0].bauds',
    reason: /^unknown key \(did you mean "baud"\?\)$/,
  },
  {
    name: 'source that maps no lines',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', lines: {} }])),
    path: 'signals[0].lines',
    reason: /^maps no lines; map at least one of the source's lines to a line id, such as \{ "1": line-1 \}$/,
  },
  {
    name: 'source lines written as a list',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', lines: ['line-1'] }])),
    path: 'signals[0].lines',
    reason: /^must be a section mapping the source's own line names to line ids, .*not a list$/,
  },
  {
    name: 'a line id written as a number',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', lines: { 1: 5 } }])),
    path: 'signals[0].lines["1"]',
    reason: /^must be the id of a line in lines, such as "line-1", not the number 5 \(put it in quotes/,
  },
  {
    name: 'line-unit line number out of range',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', lines: { 33: 'line-1' } }])),
    path: 'signals[0].lines["33"]',
    reason: /^"33" is not a line of a line-unit source; use "1" to "32" \(the unit's line numbers\)$/,
  },
  {
    name: 'line-unit line number with a leading zero',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', lines: { '01': 'line-1' } }])),
    path: 'signals[0].lines["01"]',
    reason: /use "1" to "32" .*\(did you mean "1"\?\)$/,
  },
  {
    name: 'modem line other than "1"',
    text: edit((c) => (c.signals = [{ type: 'modem', port: '/dev/ttyACM0', lines: { 2: 'line-1' } }])),
    path: 'signals[0].lines["2"]',
    reason: /^"2" is not a line of a modem source; use "1" \(a modem reports the one line it is plugged into\)$/,
  },
  {
    name: 'modem mapping two lines',
    text: edit((c) => (c.signals = [{ type: 'modem', port: '/dev/ttyACM0', lines: { 1: 'line-1', 2: 'line-2' } }])),
    path: 'signals[0].lines',
    reason: /^maps 2 lines; a modem reports the one line it is plugged into/,
  },
  {
    name: 'ISDN channel in lowercase',
    text: edit((c) => (c.signals = [{ type: 'isdn', port: '/dev/ttyUSB0', lines: { b1: 'line-1', B2: 'line-2' } }])),
    path: 'signals[0].lines.b1',
    reason: /^"b1" is not a line of an isdn source; use "B1" or "B2" .*\(did you mean "B1"\?\)$/,
  },
  {
    name: 'ISDN B channel a BRI does not have',
    text: edit((c) => (c.signals = [{ type: 'isdn', port: '/dev/ttyUSB0', lines: { B3: 'line-1' } }])),
    path: 'signals[0].lines.B3',
    reason: /^"B3" is not a line of an isdn source; use "B1" or "B2" \(the B channels of a BRI\) or "1" to "31" \(the timeslots of a PRI\)$/,
  },
  {
    name: 'ISDN PRI timeslot 16',
    text: edit((c) => (c.signals = [{ type: 'isdn', port: '/dev/ttyUSB0', lines: { 16: 'line-1' } }])),
    path: 'signals[0].lines["16"]',
    reason: /^"16" is not a line of an isdn source: timeslot 16 of an E1 PRI carries the D-channel itself, never a call; use the timeslots 1–15 and 17–31/,
  },
  {
    name: 'ISDN source mixing BRI channels and PRI timeslots',
    text: edit((c) => (c.signals = [{ type: 'isdn', port: '/dev/ttyUSB0', lines: { B1: 'line-1', 5: 'line-2' } }])),
    path: 'signals[0].lines',
    reason: /^mixes BRI channels \(B1\) with PRI timeslots \(5\); one D-channel trace is either a BRI/,
  },
  {
    name: 'source mapping a line that does not exist, with a suggestion',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', lines: { 1: 'lien-1' } }])),
    path: 'signals[0].lines["1"]',
    reason: /^"lien-1" is not the id of any line \(did you mean "line-1"\?\)$/,
  },
  {
    name: 'source mapping a line that does not exist, with no close match',
    text: edit((c) => (c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', lines: { 1: 'reception' } }])),
    path: 'signals[0].lines["1"]',
    reason: /^"reception" is not the id of any line; the lines are: line-1, line-2$/,
  },
  {
    name: 'line mapped by two sources',
    text: edit(
      (c) =>
        (c.signals = [
          { type: 'line-unit', port: '/dev/ttyUSB0', lines: { 1: 'line-1', 2: 'line-2' } },
          { type: 'modem', port: '/dev/ttyACM0', lines: { 1: 'line-1' } },
        ]),
    ),
    path: 'signals[1].lines["1"]',
    reason: /^"line-1" is already mapped by signals\[0\]\.lines\["1"\]; a line takes its signalling from one source, once$/,
  },
  {
    name: 'line mapped twice by one source',
    text: edit((c) => (c.signals = [{ type: 'isdn', port: '/dev/ttyUSB0', lines: { B1: 'line-2', B2: 'line-2' } }])),
    path: 'signals[0].lines.B2',
    reason: /^"line-2" is already mapped by signals\[0\]\.lines\.B1/,
  },
  {
    name: 'two sources on one port',
    text: edit(
      (c) =>
        (c.signals = [
          { type: 'line-unit', port: '/dev/ttyUSB0', lines: { 1: 'line-1' } },
          { type: 'modem', port: '/dev//ttyUSB0/', lines: { 1: 'line-2' } },
        ]),
    ),
    path: 'signals[1].port',
    reason: /^"\/dev\/\/ttyUSB0\/" is already the port of signals\[0\]; two sources cannot share a serial port$/,
  },

  // ---- call -------------------------------------------------------------------------------
  {
    name: 'stop code with a key that is not DTMF',
    text: edit((c) => (c.call = { stopCode: '*0x' })),
    path: 'call.stopCode',
    reason: /^"\*0x" has "x", which is not a DTMF key; use only 0–9, \*, # and A–D, or "" to turn the code off$/,
  },
  {
    name: 'stop code with several keys that are not DTMF',
    text: edit((c) => (c.call = { stopCode: '* 0 E' })),
    path: 'call.stopCode',
    reason: /has " " and "E", which are not DTMF keys/,
  },
  {
    name: 'stop code in lowercase',
    text: edit((c) => (c.call = { stopCode: '*a#' })),
    path: 'call.stopCode',
    reason: /\(did you mean "\*A#"\?\)$/,
  },
  {
    name: 'stop code too long',
    text: edit((c) => (c.call = { stopCode: '123456789' })),
    path: 'call.stopCode',
    reason: /^"123456789" is 9 keys long; a stop code is 1–8 DTMF keys/,
  },
  {
    name: 'stop code written as a number',
    text: edit((c) => (c.call = { stopCode: 123 })),
    path: 'call.stopCode',
    reason: /^must be DTMF keys in quotes, such as "\*0#", or "" to turn the code off, not the number 123 \(put it in quotes/,
  },
  {
    name: 'stop code left empty (e.g. an unquoted # read as a comment)',
    text: edit((c) => (c.call = { stopCode: null })),
    path: 'call.stopCode',
    reason: /^is empty \(expected DTMF keys in quotes/,
  },
  {
    name: 'ring timeout too short',
    text: edit((c) => (c.call = { ringTimeoutMs: 500 })),
    path: 'call.ringTimeoutMs',
    reason: /^500 is out of range \(1000–60000 ms\)$/,
  },
  {
    name: 'retention past the legal maximum',
    text: edit((c) => (c.retention = { months: 13 })),
    path: 'retention.months',
    reason: /^13 is out of range \(1–12 months; 12 is the legal maximum \(R4\)\)$/,
  },
  {
    name: 'caller ID validity too long',
    text: edit((c) => (c.call = { clipValidMs: 60001 })),
    path: 'call.clipValidMs',
    reason: /^60001 is out of range \(1000–60000 ms\)$/,
  },
  {
    name: 'dial gap too short',
    text: edit((c) => (c.call = { dialGapMs: 100 })),
    path: 'call.dialGapMs',
    reason: /^100 is out of range \(500–20000 ms\)$/,
  },
  {
    name: 'stop code gap too long',
    text: edit((c) => (c.call = { stopCodeGapMs: 6000 })),
    path: 'call.stopCodeGapMs',
    reason: /^6000 is out of range \(200–5000 ms\)$/,
  },
  {
    name: 'audio delay not a multiple of 20 ms',
    text: edit((c) => (c.call = { delayMs: 90 })),
    path: 'call.delayMs',
    reason: /^90 must be a multiple of 20 \(audio is held back in 20 ms frames\)$/,
  },
  {
    name: 'audio delay too long',
    text: edit((c) => (c.call = { delayMs: 520 })),
    path: 'call.delayMs',
    reason: /^520 is out of range \(0–500 ms\)$/,
  },
  {
    name: 'unknown key in call',
    text: edit((c) => (c.call = { stopcode: '*0#' })),
    path: 'call.stopcode',
    reason: /^unknown key \(did you mean "stopCode"\?\)$/,
  },

  // ---- clip -------------------------------------------------------------------------------
  {
    name: 'caller-ID code written as a number',
    text: edit((c) => (c.clip = { withheldCodes: [10] })),
    path: 'clip.withheldCodes[0]',
    reason: /^must be written in quotes, such as "10", not as the number 10: unquoted, YAML reads digits as a number and drops leading zeros/,
  },
  {
    name: 'caller-ID code that is not digits',
    text: edit((c) => (c.clip = { unavailableCodes: ['B00'] })),
    path: 'clip.unavailableCodes[0]',
    reason: /^"B00" is not a code; a code is 1–4 digits 0–9, such as "10"$/,
  },
  {
    name: 'caller-ID code too long',
    text: edit((c) => (c.clip = { withheldCodes: ['10', '12345'] })),
    path: 'clip.withheldCodes[1]',
    reason: /^"12345" is not a code/,
  },
  {
    name: 'caller-ID codes written as text, not a list',
    text: edit((c) => (c.clip = { withheldCodes: '10' })),
    path: 'clip.withheldCodes',
    reason: /^must be a list of codes in quotes, such as \["10"\], not the text "10"$/,
  },
  {
    name: 'caller-ID code listed twice',
    text: edit((c) => (c.clip = { withheldCodes: ['10', '11', '10'] })),
    path: 'clip.withheldCodes[2]',
    reason: /^"10" is already listed at clip\.withheldCodes\[0\]; list each code once$/,
  },
  {
    name: 'caller-ID code both withheld and unavailable',
    text: edit((c) => (c.clip = { withheldCodes: ['10'], unavailableCodes: ['00', '10'] })),
    path: 'clip.unavailableCodes[1]',
    reason: /^"10" is also listed in clip\.withheldCodes; a code cannot mean both "withheld" and "unavailable"$/,
  },
  {
    name: 'withheld code that is the default unavailable code',
    text: edit((c) => (c.clip = { withheldCodes: ['00'] })),
    path: 'clip.withheldCodes[0]',
    reason: /^"00" is also listed in clip\.unavailableCodes \(\["00"\], the default\); a code cannot mean both/,
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const err = refusal(t, c.text);
    t.match(err.problems, [{ path: c.path, reason: c.reason }], 'the problem names the field and why');
    const lines = err.message.split('\n');
    t.ok(
      lines.some((l) => l.includes(`${c.path}: `)),
      `the message has a line starting with ${c.path}`,
    );
    t.equal(err.problems.length, c.count ?? 1, `one mistake, one problem: ${err.message}`);
  });
}

t.test('one problem reads as one line: config FILE: FIELD: REASON', async (t) => {
  const err = refusal(t, edit((c) => (c.lines[1].channel = 2)));
  t.equal(
    err.message,
    'config /etc/tallennin/box.yaml: lines[1].channel: 2 is out of range (capture.channels is 2, so channels are 0–1)',
  );
});

t.test('several problems are all reported, one per line, each starting with its field', async (t) => {
  const err = refusal(
    t,
    edit((c) => {
      c.box.id = 'LPR-1';
      c.capture.rate = 44100;
      delete c.storage;
      c.lines[1].id = 'line-1';
      c.lines[1].channel = 0;
      c.vox = { offDbfs: -10 };
      c.log = { lvl: 'info' };
    }),
  );
  const paths = err.problems.map((p) => p.path);
  t.same(paths, ['box.id', 'capture.rate', 'lines[1].id', 'lines[1].channel', 'vox.offDbfs', 'storage', 'log.lvl']);
  const [heading, ...rest] = err.message.split('\n');
  t.equal(heading, 'config /etc/tallennin/box.yaml: 7 problems');
  t.equal(rest.length, 7);
  rest.forEach((line, i) => t.ok(line.trimStart().startsWith(`${paths[i]}: `), line));
});

t.test('a wrong field does not hide the checks that span fields', async (t) => {
  const err = refusal(
    t,
    edit((c) => {
      c.capture.rate = 'fast';
      c.lines[1].id = 'line-1';
    }),
  );
  t.same(
    err.problems.map((p) => p.path),
    ['capture.rate', 'lines[1].id'],
  );
});

t.test('signalling problems are all reported, in field order, beside the others', async (t) => {
  const err = refusal(
    t,
    edit((c) => {
      c.lines[0].clip = 'v23';
      c.signals = [
        { type: 'line-unit', port: '/dev/ttyUSB0', lines: { 0: 'line-1', 2: 'line-3' } },
        { type: 'modem', port: '/dev/ttyUSB0', baud: 300, lines: { 1: 'line-1' } },
      ];
      c.call = { stopCode: '*0#*0#*0#', delayMs: 10 };
      c.clip = { withheldCodes: ['10', '10'], unavailableCodes: [0] };
      c.capture.rate = 'fast';
    }),
  );
  t.same(
    err.problems.map((p) => p.path),
    [
      'capture.rate',
      'lines[0].clip',
      'signals[0].lines["0"]',
      'signals[0].lines["2"]',
      'signals[1].port',
      'signals[1].baud',
      'signals[1].lines["1"]',
      'call.stopCode',
      'call.delayMs',
      'clip.withheldCodes[1]',
      'clip.unavailableCodes[0]',
    ],
    err.message,
  );
});

t.test('sources are not judged against lines that cannot be read', async (t) => {
  const err = refusal(
    t,
    edit((c) => {
      c.lines = 'line-1';
      c.signals = [{ type: 'line-unit', port: '/dev/ttyUSB0', lines: { 1: 'line-1' } }];
    }),
  );
  t.same(err.problems.map((p) => p.path), ['lines']);
});

t.test('the line-signalling settings that are fine load', async (t) => {
  const text = edit((c) => {
    c.lines[0].clip = 'fsk-bell202';
    c.lines[1].farEndTones = false;
    c.signals = [{ type: 'isdn', port: '/dev/ttyS0', baud: 115200, lines: { 1: 'line-1', 31: 'line-2' } }];
    c.call = { stopCode: 'ABCD*#09', delayMs: 0 };
    c.clip = { withheldCodes: ['1', '1234'], unavailableCodes: [] };
  });
  const config = parseConfig(text, SOURCE, BASE, { canRead: keyIsReadable });
  t.same(config.signals[0]!.lines, { 1: 'line-1', 31: 'line-2' });
  t.equal(config.call.stopCode, 'ABCD*#09');
});

t.test('a channel out of range is not also reported as shared', async (t) => {
  const err = refusal(
    t,
    edit((c) => {
      c.lines[0].channel = 5;
      c.lines[1].channel = 5;
    }),
  );
  t.same(
    err.problems.map((p) => p.path),
    ['lines[0].channel', 'lines[1].channel'],
  );
  t.ok(err.problems.every((p) => /out of range/.test(p.reason)));
});

t.test('an empty file, or one that is not a set of sections', async (t) => {
  for (const text of ['', '# nothing here\n']) {
    const err = refusal(t, text);
    t.match(err.message, /^config \/etc\/tallennin\/box\.yaml: the file is empty; it needs the sections box, capture, lines, storage and seal$/);
  }
  const err = refusal(t, '- box\n- capture\n');
  t.match(err.message, /the file must hold the sections .* not a list/);
});

t.test('YAML syntax errors are TAL_CONFIG_UNREADABLE with line and column', async (t) => {
  const text = 'box: { id: lpr-1, site: lappeenranta }\ncapture: { device: "hw:1,0" rate: 8000, channels: 2 }\n';
  t.throws(() => parseConfig(text, SOURCE, BASE, { canRead: keyIsReadable }), {
    code: 'TAL_CONFIG_UNREADABLE',
    message: /^config \/etc\/tallennin\/box\.yaml: YAML syntax error at line 2, column \d+: .+\n  2 \| capture: \{ device/,
  });
  const dup = stringify(minimal()) + 'box: { id: again, site: again }\n';
  t.throws(() => parseConfig(dup, SOURCE, BASE, { canRead: keyIsReadable }), {
    code: 'TAL_CONFIG_UNREADABLE',
    message: /YAML syntax error at line 17, column 1: Map keys must be unique/,
  });
});

t.test('an unreadable public key names the field, the resolved path and the reason', async (t) => {
  const asked: string[] = [];
  const canRead = (p: string) => {
    asked.push(p);
    return 'permission denied (EACCES)';
  };
  const text = edit((c) => (c.seal.publicKey = 'keys/controller.pub'));
  t.throws(() => parseConfig(text, SOURCE, BASE, { canRead }), {
    code: 'TAL_CONFIG_INVALID',
    message:
      'config /etc/tallennin/box.yaml: seal.publicKey: cannot read the public key file "keys/controller.pub", ' +
      'resolved to /etc/tallennin/keys/controller.pub: permission denied (EACCES)',
  });
  t.same(asked, ['/etc/tallennin/keys/controller.pub']);
});

t.test('the key check runs alongside the schema, so its problem is listed with the others', async (t) => {
  const text = edit((c) => (c.capture.rate = 44100));
  try {
    parseConfig(text, SOURCE, BASE, { canRead: () => 'no such file or directory (ENOENT)' });
    t.fail('accepted');
  } catch (err) {
    t.same(
      (err as ConfigError).problems.map((p) => p.path),
      ['capture.rate', 'seal.publicKey'],
    );
  }
});
