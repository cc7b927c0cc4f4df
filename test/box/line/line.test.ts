// The line's audio path around its state machine: what reaches the encoder, and when. The
// recorder is a stand-in that counts samples (the real one is tested end to end through ALSA).
import t from 'tap';
import { Line, type LineOptions } from '../../../src/box/line/line.js';
import type { CallInfo, StopBy } from '../../../src/box/line/call-fsm.js';
import type { RecordingWriter } from '../../../src/box/recorder/recording-writer.js';
import type { RecordingRecord } from '../../../src/box/store/recording-record.js';
import { concat, noise, silence, speechLike } from '../../../src/core/dsp/generate.js';
import { memoryLog } from '../../helpers/log.js';
import { FRAME, frameFeeder, lineOptions, R } from './line-kit.js';


interface FakeRecording {
  startMs: number;
  call: CallInfo;
  samples: number;
  finished?: { reason: string; stopped?: { at: number; by: StopBy } };
}

function harness(overrides: Partial<LineOptions> = {}) {
  const recordings: FakeRecording[] = [];
  const line = new Line(
    lineOptions(overrides),
    {
      timeOf: (p) => (p / R) * 1000,
      startRecording: (_line, startMs, call) => {
        const rec: FakeRecording = { startMs, call, samples: 0 };
        recordings.push(rec);
        return {
          id: `rec-${recordings.length}`,
          get durationMs() { return (rec.samples / R) * 1000; },
          feed: (s: Int16Array) => { rec.samples += s.length; },
          setCall: (c: CallInfo) => { rec.call = c; },
          finish: async (reason: string, stopped?: { at: number; by: StopBy }) => {
            rec.finished = { reason, ...(stopped ? { stopped } : {}) };
            return { id: 'x', durationMs: rec.samples } as unknown as RecordingRecord;
          },
        } as unknown as RecordingWriter;
      },
      onRecorded: () => {},
      onStopped: () => {},
      log: memoryLog().log,
    },
  );
  return { line, recordings, ...frameFeeder(line) };
}

const talk = (ms: number, seed = 1) => speechLike(ms, -20, R, seed);
const quiet = (ms: number) => noise(ms, -66, R, 7);

t.test('a stop request from the status page: nothing after that instant reaches the encoder, and the call is not recorded again', async (t) => {
  const h = harness();
  let stoppedAt = -1;
  h.feed(concat(quiet(1000), talk(6000)), (p) => {
    if (p === 5 * R && stoppedAt < 0) {
      stoppedAt = p;
      t.ok(h.line.stopRecording('status-page'), 'a call was being recorded');
    }
  });
  h.feed(talk(4000, 2));
  t.equal(h.recordings.length, 1, 'VOX does not restart the recording within the same call');
  const rec = h.recordings[0]!;
  t.same(rec.finished, { reason: 'stopped', stopped: { at: (stoppedAt / R) * 1000, by: 'status-page' } });
  const startSample = (rec.startMs / 1000) * R;
  t.equal(startSample + rec.samples, stoppedAt, 'the recording holds audio up to the stop and not one sample more');
  t.notOk(h.line.stopRecording('console'), 'a second stop finds nothing to stop');
  t.equal(h.line.state, 'stopped');
  // the call ends (silence), the line re-arms, the next call is recorded
  h.feed(concat(quiet(5000), talk(3000, 3), quiet(4000)));
  t.equal(h.line.state, 'idle');
  t.equal(h.recordings.length, 2, 'the next call is recorded');
  t.notOk(h.recordings[1]!.finished?.stopped);
});

t.test('with no call in progress a stop request does nothing', async (t) => {
  const h = harness();
  h.feed(quiet(1000));
  t.notOk(h.line.stopRecording('mqtt'));
  t.equal(h.recordings.length, 0);
});

t.test('audio reaches the encoder only after the configured delay', async (t) => {
  const h = harness();
  h.feed(concat(quiet(1000), talk(3000)));
  const rec = h.recordings[0]!;
  const startSample = (rec.startMs / 1000) * R;
  const behind = h.position() - (startSample + rec.samples);
  t.ok(behind >= 80 * 8 && behind < 80 * 8 + FRAME, `the encoder is ${behind} samples (${(behind / 8).toFixed(0)} ms) behind the capture`);
});
