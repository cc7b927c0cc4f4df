import { RecordingStore } from '../box/store/recording-store.js';
import { loadConfig } from '../core/config/index.js';
import { parse, required } from './args.js';

const usage = 'tallennin recordings --config FILE --json';

/** `recordings`: one line per recording. Plaintext metadata only: no numbers, no personal data. */
export async function recordings(argv: string[]): Promise<void> {
  const args = parse(argv, { config: { type: 'string' }, json: { type: 'boolean' } }, usage);
  const config = await loadConfig(required(args.config, '--config', usage));
  const store = await RecordingStore.open(config.storage.path);
  try {
    for await (const r of store.listRecordings()) {
      const end = r.end ?? r.start + r.durationMs;
      const row = {
        id: r.id,
        line: r.line,
        start: new Date(r.start).toISOString(),
        end: new Date(end).toISOString(),
        durationMs: r.durationMs,
        truncated: r.state === 'truncated',
        open: r.state === 'open',
        direction: r.direction,
        signalling: r.signalling,
        clip: r.clip,
        ...(r.stopped ? { stoppedAt: new Date(r.stopped.at).toISOString(), stoppedBy: r.stopped.by } : {}),
        ...(r.notice ? { notice: r.notice } : {}),
      };
      process.stdout.write(
        args.json
          ? `${JSON.stringify(row)}\n`
          : `${row.id}  ${row.line}  ${row.start}  ${(row.durationMs / 1000).toFixed(1)} s  ${row.direction}${row.truncated ? '  truncated' : ''}${row.stoppedBy ? `  stopped (${row.stoppedBy})` : ''}${row.notice ? `  announcement ${row.notice.status}` : ''}\n`,
      );
    }
  } finally {
    await store.close();
  }
}
