// R1: every call on every line recorded, through a real ALSA capture device (the file plugin
// over null reading a plain file, which runs faster than real time; timing is in samples).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTrunk } from '../../src/simulate/trunk.js';
import { anchorOf, bestCorrelation, boxFixture, cli, decodeWithFfmpeg, listRecordings } from '../helpers/box-fixture.js';

const RATE = 8000;
const DURATION_S = 50;
const trunk = makeTrunk({
  rate: RATE,
  channels: 2,
  durationMs: DURATION_S * 1000,
  calls: [
    { line: 0, atMs: 2000, talkMs: 9000 },
    { line: 1, atMs: 4500, talkMs: 11000 },
    { line: 0, atMs: 27000, talkMs: 7000 },
    { line: 1, atMs: 31000, talkMs: 8000 },
  ],
});

const dir = t.testdir({});
const infile = join(dir, 'trunk.raw');
writeFileSync(infile, trunk.audio);
const box = boxFixture({ infile, channels: 2, dir, extraYaml: 'vox: { hangMs: 4000 }\n' });
const run = cli(box, ['record', '--config', box.config, '--duration', String(DURATION_S)]);

t.test('record captures the trunk and exits 0 when --duration of audio was captured', async (t) => {
  t.equal(run.status, 0, run.stderr);
  const stopped = run.stdout.split('\n').find((l) => l.includes('"recorder stopped"'));
  t.ok(stopped, 'logs its stop');
  t.match(JSON.parse(stopped!), { capture: { overruns: 0, shortReads: 0, discardedSamples: 0 } }, 'no period was lost');
});

t.test(`every call is found, start and end within 0.5 s of the truth (${trunk.speech} speech)`, async (t) => {
  const anchor = anchorOf(run.stdout);
  const recs = listRecordings(box);
  t.equal(recs.length, trunk.truth.length, 'one recording per call, no more');
  for (const truth of trunk.truth) {
    const line = `line-${truth.line + 1}`;
    const rec = recs.find((r) => r.line === line && Math.abs(Date.parse(r.start) - anchor - truth.startMs) < 3000);
    if (!t.ok(rec, `${line} call at ${truth.startMs} ms recorded`)) continue;
    const startErr = Date.parse(rec!.start) - anchor - truth.startMs;
    const endErr = Date.parse(rec!.end) - anchor - truth.endMs;
    t.ok(Math.abs(startErr) <= 500, `${line} start off by ${startErr.toFixed(0)} ms`);
    t.ok(Math.abs(endErr) <= 500, `${line} end off by ${endErr.toFixed(0)} ms`);
    t.equal(rec!.durationMs, Date.parse(rec!.end) - Date.parse(rec!.start), 'duration agrees with start and end');
    t.equal(rec!.truncated, false);
  }
});

t.test('each export is a standard Ogg Opus file that decodes with ffmpeg and matches the source speech', async (t) => {
  const anchor = anchorOf(run.stdout);
  for (const rec of listRecordings(box)) {
    const out = join(dir, `${rec.id}.opus`);
    const r = cli(box, ['export', '--config', box.config, '--key', box.keyFile, '--id', rec.id, '--out', out]);
    t.equal(r.status, 0, r.stderr);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,channels', '-of', 'json', out], { encoding: 'utf8' });
    t.equal(probe.status, 0, probe.stderr);
    const info = JSON.parse(probe.stdout) as { format: { duration: string }; streams: { codec_name: string; channels: number }[] };
    t.match(info.streams[0], { codec_name: 'opus', channels: 1 });
    const durMs = Number(info.format.duration) * 1000;
    t.ok(Math.abs(durMs - rec.durationMs) <= 40, `ffprobe duration ${durMs.toFixed(0)} ms vs recorded ${rec.durationMs} ms`);
    const opusinfo = spawnSync('opusinfo', [out], { encoding: 'utf8' });
    t.equal(opusinfo.status, 0, 'opusinfo accepts it');
    t.notMatch(opusinfo.stdout + opusinfo.stderr, /WARNING|ERROR/i, 'opusinfo has no complaint');

    const decoded = decodeWithFfmpeg(out, RATE);
    const channel = Number(rec.line.slice(5)) - 1;
    const from = Math.round(((Date.parse(rec.start) - anchor) / 1000) * RATE);
    const source = trunk.lines[channel]!.subarray(from, from + decoded.length);
    const { r: corr, lag } = bestCorrelation(decoded, source, 400);
    t.ok(corr > 0.7, `${rec.line}: export correlates with the source speech (r = ${corr.toFixed(3)}, lag ${lag} samples)`);
  }
});
