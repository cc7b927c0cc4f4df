import { parseAuditHead, type AuditHead } from '../core/audit/entry.js';
import { TalError } from '../core/errors.js';
import { parse, required } from './args.js';
import { withBoxStore } from './box-store.js';

const usage = 'tallennin audit verify --config FILE [--head SEQ:HASH]';

/** `SEQ:HASH` as the indexer's audit viewer shows a box's published head. */
function headArg(text: string): AuditHead {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (!m) throw new TalError('TAL_USAGE', `--head must be SEQ:HASH (a number, a colon and 64 lower-case hex digits), as the audit viewer shows it\nusage: ${usage}`);
  return parseAuditHead({ seq: Number(m[1]), hash: m[2] });
}

/**
 * `audit verify`: checks the box's hash chain and names the first entry that was tampered with;
 * with `--head`, also that the chain still reaches a head the box published earlier (entries cut
 * off the end, or the log rewritten from there, cannot hide from a head kept elsewhere).
 */
export async function audit(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new TalError('TAL_USAGE', `unknown audit command ${sub ?? '(none)'}\nusage: ${usage}`);
  const a = parse(rest, { config: { type: 'string' }, head: { type: 'string' } }, usage);
  const head = a.head === undefined ? undefined : headArg(a.head);
  await withBoxStore(required(a.config, '--config', usage), async ({ audit: log }) => {
    const r = head ? await log.verifyAgainstHead(head) : await log.verify();
    if (!r.ok) throw new TalError('TAL_AUDIT_BROKEN', `audit chain broken at entry ${r.at}: ${r.problem} (${r.detail})`);
    const against = head ? `; it reaches the published head ${head.seq} ${head.hash}` : '';
    process.stdout.write(`audit chain verifies: ${r.count} entries, head ${r.head.seq} ${r.head.hash}${against}\n`);
  });
}
