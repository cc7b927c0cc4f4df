// How a line hands its calls to the recording announcement (R12): the announcer's session sees
// the recording's audio from its first sample, its evidence is written to that recording (at
// once when settled mid-call, else with the final record), and a call's continuation says the
// notice belongs to its first part. The announcer is a stand-in here; the real ones are tested
// in test/box/notice/ and end to end through ALSA.
import t from 'tap';
import { Line } from '../../../src/box/line/line.js';
import type { CallInfo, StopBy } from '../../../src/box/line/call-fsm.js';
import type { Announcer } from '../../../src/box/notice/announcer.js';
import type { RecordingWriter } from '../../../src/box/recorder/recording-writer.js';
import type { RecordingRecord } from '../../../src/box/store/recording-record.js';
import type { Notice } from '../../../src/core/protocol/messages.js';
import { concat, noise, speechLike } from '../../../src/core/dsp/generate.js';
import { memoryLog } from '../../helpers/log.js';
import { frameFeeder, lineOptions, R } from './line-kit.js';


interface Rec {
  startMs: number;
  samples: number;
  /** setNotice calls in order: the notice and whether it was written at once */
  notices: { notice: Notice; write: boolean }[];
  finishedAfterNotices?: number;
}

interface Session {
  line: string;
  call: CallInfo;
  fed: Int16Array[];
  ended?: CallInfo;
  settle?: (n: Notice) => void;
}

function harness(opts: { announcer?: 'stub' | 'none'; settleAfterSamples?: number; maxCallMs?: number } = {}) {
  const recs: Rec[] = [];
  const sessions: Session[] = [];
  const heard: Notice = { status: 'heard', score: 0.9, threshold: 0.5, offsetMs: 120 };
  const announcer: Announcer = {
    begin(line, call, settled) {
      const s: Session = { line, call, fed: [], settle: settled };
      sessions.push(s);
      let n = 0;
      let done = false;
      return {
        feed(frame) {
          s.fed.push(frame.slice());
          n += frame.length;
          if (!done && opts.settleAfterSamples !== undefined && n >= opts.settleAfterSamples) {
            done = true;
            settled(heard);
          }
        },
        end(final) {
          s.ended = final;
          return { status: 'not-heard', score: 0.2, threshold: 0.5, offsetMs: 0 };
        },
      };
    },
  };
  const line = new Line(lineOptions(opts.maxCallMs !== undefined ? { maxCallMs: opts.maxCallMs } : {}), {
    timeOf: (p) => (p / R) * 1000,
    startRecording: (_line, startMs) => {
      const rec: Rec = { startMs, samples: 0, notices: [] };
      recs.push(rec);
      return {
        id: `rec-${recs.length}`,
        get durationMs() { return (rec.samples / R) * 1000; },
        feed: (s: Int16Array) => { rec.samples += s.length; },
        setCall: () => {},
        setNotice: (notice: Notice, write = true) => { rec.notices.push({ notice, write }); },
        finish: async (_reason: string, _stopped?: { at: number; by: StopBy }) => {
          rec.finishedAfterNotices = rec.notices.length;
          return { id: 'x' } as unknown as RecordingRecord;
        },
      } as unknown as RecordingWriter;
    },
    onRecorded: () => {},
    onStopped: () => {},
    ...(opts.announcer === 'none' ? {} : { announcer }),
    log: memoryLog().log,
  });
  return { line, recs, sessions, ...frameFeeder(line) };
}

const talk = (ms: number, seed = 1) => speechLike(ms, -20, R, seed);
const quiet = (ms: number) => noise(ms, -66, R, 7);

t.test('the session hears the recording from its first sample: the pre-roll, then every frame', async (t) => {
  const h = harness();
  const audio = concat(quiet(3000), talk(5000), quiet(5000));
  h.feed(audio);
  await h.line.close(h.position());
  t.equal(h.sessions.length, 1, 'one call, one session');
  const fed = concat(...h.sessions[0]!.fed);
  const first = (h.recs[0]!.startMs / 1000) * R;
  t.ok(first < 3000 / 1000 * R, 'the recording starts in the pre-roll, before the voice');
  t.same(fed.subarray(0, 16_000), audio.subarray(first, first + 16_000), 'the same samples as the recording, from its start');
  t.same(h.sessions[0]!.call.direction, 'unknown', 'a VOX call: direction unknown');
});

t.test('evidence settled mid-call is written at once; the final one goes with the last record', async (t) => {
  const h = harness({ settleAfterSamples: 4 * R });
  h.feed(concat(quiet(1000), talk(6000), quiet(4000)));
  await h.line.close(h.position());
  const rec = h.recs[0]!;
  t.same(rec.notices[0], { notice: { status: 'heard', score: 0.9, threshold: 0.5, offsetMs: 120 }, write: true }, 'settled: written at once');
  t.same(rec.notices.at(-1), { notice: { status: 'not-heard', score: 0.2, threshold: 0.5, offsetMs: 0 }, write: false }, 'the end: kept for the final record');
  t.equal(rec.finishedAfterNotices, rec.notices.length, 'the notice is set before the recording finishes');
  t.ok(h.sessions[0]!.ended, 'the session was ended with the call');
});

t.test('a stop on request ends the session at the stop: it hears nothing after', async (t) => {
  const h = harness();
  let stoppedFedLength = -1;
  h.feed(concat(quiet(1000), talk(8000)), (p) => {
    if (p === 4 * R && stoppedFedLength < 0) {
      t.ok(h.line.stopRecording('status-page'));
      stoppedFedLength = h.sessions[0]!.fed.length;
    }
  });
  t.equal(h.sessions[0]!.fed.length, stoppedFedLength, 'not one frame after the stop');
  t.ok(h.sessions[0]!.ended);
  t.equal(h.recs[0]!.notices.length, 1);
});

t.test('a call longer than the limit: its continuation says the notice was on its first part', async (t) => {
  const h = harness({ maxCallMs: 3000 });
  h.feed(concat(quiet(1000), talk(5000), quiet(4000)));
  await h.line.close(h.position());
  t.ok(h.recs.length >= 2, 'the call continued in a new recording');
  t.equal(h.sessions.length, 1, 'one session, for the call\'s first recording');
  t.equal(h.recs[0]!.notices.at(-1)?.notice.status, 'not-heard', 'the first part: the session\'s evidence');
  for (const rec of h.recs.slice(1)) t.same(rec.notices, [{ notice: { status: 'not-applicable', reason: 'continuation' }, write: false }]);
});

t.test('with no announcer, no notice is set', async (t) => {
  const h = harness({ announcer: 'none' });
  h.feed(concat(quiet(1000), talk(5000), quiet(4000)));
  await h.line.close(h.position());
  t.equal(h.recs.length, 1);
  t.same(h.recs[0]!.notices, []);
});
