// The accounts file is read afresh at every login (`tallennin user …` edits it while the box
// runs). A change seen since the last reading is audited, and the sessions of an account that
// was removed or whose password or role changed end at once: whoever held them no longer
// holds those rights.
import type { Logger } from 'pino';
import { AccountsFile, type Account, type Sessions } from '../../../core/auth/index.js';
import type { Auditor } from './auditor.js';

export class AccountsWatch {
  private last: Account[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly accounts: AccountsFile,
    private readonly sessions: Sessions,
    private readonly audit: Auditor,
    private readonly log: Logger,
  ) {}

  /** Reads the listing a first time, as the baseline the next changes are measured against. */
  async prime(): Promise<void> {
    try {
      this.last ??= await this.accounts.list();
    } catch (err) {
      // A missing or broken file is reported at the first login, which then fails.
      this.log.warn({ err: (err as Error).message }, 'status page: the accounts file could not be read');
    }
  }

  /** The accounts now; audits and applies what changed since the last reading. */
  read(): Promise<Account[]> {
    // One reading at a time, so two logins at once do not audit the same change twice.
    const run = this.queue.then(() => this.readNow());
    this.queue = run.catch(() => {});
    return run;
  }

  private async readNow(): Promise<Account[]> {
    const now = await this.accounts.list();
    const before = this.last;
    this.last = now;
    if (!before) return now;
    for (const c of AccountsFile.diff(before, now)) {
      const ended = c.change === 'added' ? 0 : this.sessions.destroyFor(c.name);
      await this.audit.append({ actor: 'system', action: 'user-change', target: c.name, result: 'ok', detail: { change: c.change, sessionsEnded: ended } });
    }
    return now;
  }
}
