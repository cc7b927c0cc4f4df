// `node dist/bench/index-search-main.js [calls]`: the call index benchmark alone, in a temp dir it
// removes afterwards (BENCH_KEEP=1 keeps it). JSON on stdout, progress on stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchIndexSearch } from './index-search.js';
import { progress } from './measure.js';

const calls = process.argv[2] === undefined ? 1_000_000 : Number(process.argv[2]);
if (!Number.isInteger(calls) || calls < 1) {
  process.stderr.write(`usage: index-search-main [calls]: calls must be a positive whole number, got "${process.argv[2]}"\n`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'tallennin-index-bench-'));
try {
  const result = await benchIndexSearch({ calls, dir });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  else progress(`kept ${dir}`);
}
