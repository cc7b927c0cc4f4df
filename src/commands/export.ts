import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { RecordingStore } from '../box/store/recording-store.js';
import { loadConfig } from '../core/config/index.js';
import { TalError } from '../core/errors.js';
import { exportOgg } from '../core/recording/export-ogg.js';
import { parsePrivateKey } from '../core/seal/index.js';
import { parse, required } from './args.js';
import { passphrase } from './passphrase.js';

const usage = 'tallennin export --config FILE --key controller.key --id ID --out FILE.opus';

/**
 * `export`: unseals one recording with the controller's private key and writes an Ogg Opus file.
 * Every chunk is proved before the file appears: a refused export leaves no file behind.
 */
export async function exportRecording(argv: string[]): Promise<void> {
  const args = parse(argv, { config: { type: 'string' }, key: { type: 'string' }, id: { type: 'string' }, out: { type: 'string' } }, usage);
  const config = await loadConfig(required(args.config, '--config', usage));
  const keyFile = required(args.key, '--key', usage);
  const id = required(args.id, '--id', usage);
  const out = required(args.out, '--out', usage);
  let pem: string;
  try {
    pem = await readFile(keyFile, 'utf8');
  } catch (err) {
    throw new TalError('TAL_KEY_INVALID', `--key ${keyFile}: ${(err as Error).message}`);
  }
  const key = parsePrivateKey(pem, await passphrase('passphrase of the private key: '), keyFile);

  const store = await RecordingStore.open(config.storage.path);
  try {
    const rec = await store.getRecording(id);
    if (!rec) throw new TalError('TAL_RECORDING_NOT_FOUND', `no recording ${id} in ${config.storage.path}`);
    if (rec.state === 'shredding') throw new TalError('TAL_RECORDING_NOT_FOUND', `recording ${id} has expired and is being destroyed`);
    const sealed = { id: rec.id, state: rec.state, chunks: rec.chunks, wrappedKey: Buffer.from(rec.wrappedKey, 'base64'), audio: rec.audio };
    const { ogg, packets } = await exportOgg(sealed, store.readChunks(id), key);
    const tmp = `${out}.partial`;
    try {
      await writeFile(tmp, ogg, { mode: 0o600 });
      await rename(tmp, out);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    const note = rec.state === 'truncated' ? ' (truncated: the recorder stopped without closing it)' : '';
    process.stderr.write(`exported ${rec.id}: ${(rec.durationMs / 1000).toFixed(2)} s, ${packets} packets → ${out}${note}\n`);
  } finally {
    await store.close();
  }
}
