// Talk-off: real (synthesised) Finnish speech must not produce DTMF digits.
//
// At least 10 minutes of espeak-ng Finnish — varied texts, 14 voice variants, speeds 120–230
// words/min, pitches 15–95 — resampled to 8 kHz and band-limited to the telephone band with
// sox (`sinc 300-3400`), at three levels (peaks at −1, −6 and −14 dBFS), runs through one
// receiver in 333-sample chunks. Target: 0 digits. The audio is generated once and cached in the
// OS temp dir under a name that hashes everything it is made from, so later runs only decode.
// Without espeak-ng or sox the test is skipped (scripts/ensure-deps.sh installs both).

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDtmfRx, dtmfRx, dtmfFlush, type DtmfEvent } from '../../../src/core/dsp/dtmf.js';
import { SENTENCES } from '../../../src/simulate/speech.js';

const RATE = 8000;
const MIN_SECONDS = 600;

/** Finnish of the kinds a recorded line hears: service calls, numbers read out, small talk. */
const TEXTS = [
  ...SENTENCES,
  'Numeroni on nolla neljä nolla, yksi kaksi kolme, neljä viisi kuusi seitsemän.',
  'Asiakasnumero on kahdeksan yhdeksän nolla, kolme kolme kaksi, yksitoista.',
  'Henkilötunnukseni loppuosa on kolmesataakaksikymmentäneljä aa.',
  'Soittakaa minulle takaisin numeroon nolla yhdeksän, seitsemänsataa kuusikymmentä.',
  'Tapaaminen on tiistaina kello neljätoista kolmekymmentä, huoneessa kaksisataaviisi.',
  'Olen ollut työttömänä maaliskuun alusta, eli noin neljä kuukautta.',
  'Päivärahan maksu viivästyi, koska liite puuttui hakemuksesta.',
  'Voinko lähettää palkkatodistuksen sähköpostilla vai pitääkö se tuoda paikan päälle?',
  'Ei, en ole saanut mitään kirjettä. Osoitteeni vaihtui kesäkuussa.',
  'Aha, selvä. Entäs sitten, jos aloitan osa-aikatyön ensi kuussa?',
  'Hetkinen, haen kynän. No niin, voitte jatkaa.',
  'Kiitoksia paljon avusta, hyvää päivänjatkoa teillekin!',
  'Huomenta! Täällä on Virtanen Lahdesta, hei.',
  'Mä vaan kysyisin, et onks tää oikee numero työvoimapalveluihin?',
  'Jonotin jo puoli tuntia, ja sitten puhelu katkesi.',
  'Ymmärrän kyllä, mutta tilanne on minulle aika hankala juuri nyt.',
  'Ruotsinkielinen palvelu? Nej tack, suomi käy hyvin.',
  'Lapseni on kolmevuotias, joten tarvitsen päivähoitopaikan syksyksi.',
  'Koulutus alkaa elokuussa ja kestää yhdeksän kuukautta.',
  'Työnantaja lupasi vastata perjantaihin mennessä.',
  'Minulla on ajokortti, trukkikortti ja hygieniapassi.',
  'Eikö sitä voi hoitaa verkossa? Tunnistautuminen ei onnistu pankkitunnuksilla.',
  'Olisiko mahdollista saada tulkki seuraavaan tapaamiseen?',
  'Viime viikolla sain tekstiviestin, jossa pyydettiin ottamaan yhteyttä.',
  'Yksi, kaksi, kolme, neljä, viisi, kuusi, seitsemän, kahdeksan, yhdeksän, kymmenen.',
  'Tähti, risuaita, nolla, nolla, nolla. Ja sitten vielä yksi.',
  'Aaaa, ooo, iii, uuu, eee, äää, ööö, yyy.',
  'Mmm, joo, joo. Niin. Juu, kyllä se käy.',
  'Sää on ollut koko viikon sateinen ja tuulinen, mutta huomenna paistaa.',
  'Helsingin, Tampereen ja Oulun toimipisteet ovat avoinna kahdeksasta kuuteentoista.',
  'Laskun eräpäivä on kahdeskymmenesneljäs päivä, summa kolmesataaviisikymmentä euroa.',
  'Hän sanoi, että asia ratkeaa viimeistään ensi maanantaina.',
  'Anteeksi, en kuullut. Voisitteko toistaa viimeisen osan?',
  'Saisinko puhua esimiehen kanssa? Tämä on jo kolmas kerta, kun soitan.',
  'Näkemiin!',
];

/** espeak-ng Finnish with a voice variant, speed (words/min) and pitch (0-99). */
const VOICES = [
  { v: 'fi', s: 160, p: 50 },
  { v: 'fi+m1', s: 150, p: 35 },
  { v: 'fi+m2', s: 175, p: 45 },
  { v: 'fi+m3', s: 140, p: 25 },
  { v: 'fi+m4', s: 190, p: 60 },
  { v: 'fi+m5', s: 130, p: 15 },
  { v: 'fi+m7', s: 210, p: 55 },
  { v: 'fi+f1', s: 155, p: 70 },
  { v: 'fi+f2', s: 170, p: 80 },
  { v: 'fi+f3', s: 145, p: 90 },
  { v: 'fi+f4', s: 200, p: 65 },
  { v: 'fi+f5', s: 230, p: 95 },
  { v: 'fi+klatt', s: 120, p: 40 },
  { v: 'fi+croak', s: 165, p: 30 },
] as const;

/** Peak levels (dB below full scale) the voices take turns at. */
const PEAKS = [-1, -6, -14];

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function speak(text: string, voice: (typeof VOICES)[number], peakDb: number): Int16Array {
  const wav = spawnSync('espeak-ng', ['-v', voice.v, '-s', String(voice.s), '-p', String(voice.p), '--stdout', text], {
    maxBuffer: 256 << 20,
  });
  if (wav.status !== 0) throw new Error(`espeak-ng failed: ${wav.stderr.toString()}`);
  const raw = spawnSync(
    'sox',
    ['-t', 'wav', '-', '-t', 'raw', '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-', 'sinc', '300-3400', 'gain', '-n', String(peakDb)],
    { input: wav.stdout, maxBuffer: 256 << 20 },
  );
  if (raw.status !== 0) throw new Error(`sox failed: ${raw.stderr.toString()}`);
  const b = raw.stdout;
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The speech, from the cache or made now. */
function corpus(): { pcm: Int16Array; generatedMs: number; cached: boolean; file: string } {
  const hash = createHash('sha256').update(JSON.stringify({ TEXTS, VOICES, PEAKS, RATE, MIN_SECONDS, v: 1 })).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `tallennin-dtmf-talkoff-${hash}.raw`);
  if (existsSync(file)) {
    const b = readFileSync(file);
    return { pcm: new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)), generatedMs: 0, cached: true, file };
  }
  const t0 = performance.now();
  const parts: Int16Array[] = [];
  let total = 0;
  // Each voice reads the texts in its own rotation, in batches of 12 sentences, until there is
  // enough: every voice, several levels, every text more than once.
  for (let round = 0; total < MIN_SECONDS * RATE; round++) {
    for (let vi = 0; vi < VOICES.length && total < MIN_SECONDS * RATE; vi++) {
      const start = (round * 12 + vi * 5) % TEXTS.length;
      const batch = Array.from({ length: 12 }, (_, i) => TEXTS[(start + i) % TEXTS.length]).join(' ');
      const pcm = speak(batch, VOICES[vi]!, PEAKS[(round + vi) % PEAKS.length]!);
      parts.push(pcm);
      total += pcm.length;
    }
  }
  const pcm = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    pcm.set(p, at);
    at += p.length;
  }
  writeFileSync(`${file}.part`, pcm);
  renameSync(`${file}.part`, file);
  return { pcm, generatedMs: performance.now() - t0, cached: false, file };
}

const tools = has('espeak-ng') && has('sox');

t.test('10 minutes of Finnish speech give no DTMF digit', { skip: tools ? false : 'espeak-ng and sox are needed' }, async (t) => {
  const { pcm, generatedMs, cached, file } = corpus();
  const seconds = pcm.length / RATE;
  t.ok(seconds >= MIN_SECONDS, `speech: ${(seconds / 60).toFixed(1)} min`);

  const rx = createDtmfRx({ sampleRate: RATE });
  const events: DtmfEvent[] = [];
  const t0 = performance.now();
  for (let i = 0; i < pcm.length; i += 333) events.push(...dtmfRx(rx, pcm.subarray(i, i + 333)));
  events.push(...dtmfFlush(rx));
  const decodeMs = performance.now() - t0;

  const digits = events.filter((e) => e.type === 'digit');
  t.comment(`speech ${(seconds / 60).toFixed(1)} min (${cached ? 'cached' : `generated in ${(generatedMs / 1000).toFixed(1)} s`}: ${file})`);
  t.comment(`decoded in ${(decodeMs / 1000).toFixed(2)} s: ${((pcm.length / decodeMs) * 1000 / 1e6).toFixed(1)} M samples/s, ${Math.round((seconds * 1000) / decodeMs)}× real time`);
  t.comment(`false digits: ${digits.length} (${digits.map((e) => `${e.digit}@${(e.atSample / RATE).toFixed(2)}s`).join(' ')})`);
  t.comment(`counters: ${JSON.stringify(rx.counters)}`);
  t.equal(digits.length, 0, 'no false digit');

  // The same speech at 16 kHz (sox resampling the 8 kHz telephone-band audio).
  const up = spawnSync('sox', ['-t', 'raw', '-r', '8000', '-e', 'signed-integer', '-b', '16', '-c', '1', file, '-t', 'raw', '-r', '16000', '-e', 'signed-integer', '-b', '16', '-c', '1', '-'], {
    maxBuffer: 256 << 20,
  });
  t.equal(up.status, 0, up.stderr.toString());
  const pcm16 = new Int16Array(up.stdout.buffer.slice(up.stdout.byteOffset, up.stdout.byteOffset + up.stdout.byteLength));
  const rx16 = createDtmfRx({ sampleRate: 16000 });
  const ev16: DtmfEvent[] = [];
  for (let i = 0; i < pcm16.length; i += 333) ev16.push(...dtmfRx(rx16, pcm16.subarray(i, i + 333)));
  ev16.push(...dtmfFlush(rx16));
  const digits16 = ev16.filter((e) => e.type === 'digit');
  t.comment(`16 kHz: false digits: ${digits16.length}; counters: ${JSON.stringify(rx16.counters)}`);
  t.equal(digits16.length, 0, 'no false digit at 16 kHz');
});
