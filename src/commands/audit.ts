import { TalError } from '../core/errors.js';
import { parse, required } from './args.js';
import { withBoxStore } from './box-store.js';

const usage = 'tallennin audit verify --config FILE';

/** `audit verify`: checks the box's hash chain and names the first entry that was tampered with. */
export async function audit(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new TalError('TAL_USAGE', `unknown audit command ${sub ?? '(none)'}\nusage: ${usage}`);
  const a = parse(rest, { config: { type: 'string' } }, usage);
  await withBoxStore(required(a.config, '--config', usage), async ({ audit: log }) => {
    const r = await log.verify();
    if (!r.ok) throw new TalError('TAL_AUDIT_BROKEN', `audit chain broken at entry ${r.at}: ${r.problem} (${r.detail})`);
    process.stdout.write(`audit chain verifies: ${r.count} entries, head ${r.head.seq} ${r.head.hash}\n`);
  });
}
