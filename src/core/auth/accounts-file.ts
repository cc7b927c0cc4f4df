// Personal accounts (R9) in one small file that `tallennin user …` writes and the box's status
// page or the central console reads. Re-read whenever it changes on disk, so an account added
// or removed takes effect without a restart.
import { open, stat } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import { TalError } from '../errors.js';
import { osReason } from '../config/messages.js';
import { checkNewAccount, checkSites, checkTotp, parseAccounts, serializeAccounts, type Account, type AccountExtras, type AccountRules } from './accounts-format.js';
import { hashPassword, passwordProblem } from './password.js';
import { writeFileAtomic } from './write-atomic.js';

export type { Account, AccountExtras, AccountRules } from './accounts-format.js';
export type AccountChange = { name: string; change: 'added' | 'removed' | 'password' | 'role' | 'sites' | 'totp' };

// File times have the kernel's coarse tick: a file changed twice within it can keep its
// mtime, size and even (after a rename) an inode it had before. Content read this soon after
// its last change is not trusted to be current (git's "racily clean" rule).
const RACY_MS = 1000;

export class AccountsFile {
  private cache: { key: string; accounts: readonly Account[] } | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  /** `siteRoles` and `totp` (see AccountRules) are for the console; a box gives neither. */
  constructor(readonly path: string, private readonly opts: AccountRules & { clock: Clock }) {
    if (opts.roles.length === 0) throw new TypeError('AccountsFile: roles must name at least one role');
  }

  /** Every account; a missing file is no accounts. Re-reads the file when it changed on disk. */
  async list(): Promise<Account[]> {
    return (await this.load()).map(copy);
  }

  async find(name: string): Promise<Account | undefined> {
    const found = (await this.load()).find((a) => a.name === name);
    return found && copy(found);
  }

  /** True when group or others may read or write the file: still used, but the service should warn. */
  async insecureMode(): Promise<boolean> {
    try {
      return ((await stat(this.path)).mode & 0o077) !== 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw this.ioError('cannot read', err);
    }
  }

  /**
   * Refuses a bad name, an existing name, a role not of this file, sites wrong for the role,
   * a malformed TOTP secret, a weak password: TAL_ACCOUNT_INVALID naming which.
   */
  async add(name: string, role: string, password: string, extra: AccountExtras = {}): Promise<Account> {
    checkNewAccount(name, role, this.opts, extra);
    this.checkPassword(name, password);
    return this.change(async (accounts) => {
      if (accounts.some((a) => a.name === name)) {
        throw new TalError('TAL_ACCOUNT_INVALID', `an account named "${name}" exists already in ${this.path}`);
      }
      const now = this.opts.clock.now();
      const account: Account = {
        name,
        role,
        ...(extra.sites === undefined ? {} : { sites: [...extra.sites] }),
        ...(extra.totp === undefined ? {} : { totp: extra.totp }),
        hash: await hashPassword(password),
        created: now,
        changed: now,
      };
      return { accounts: [...accounts, account], result: copy(account) };
    });
  }

  /** False when there was no such account. */
  async remove(name: string): Promise<boolean> {
    return this.change(async (accounts) => {
      const rest = accounts.filter((a) => a.name !== name);
      return rest.length === accounts.length ? { result: false } : { accounts: rest, result: true };
    });
  }

  /** TAL_ACCOUNT_NOT_FOUND for an unknown name; a weak password is refused as in add(). */
  async setPassword(name: string, password: string): Promise<void> {
    return this.update(name, async () => {
      this.checkPassword(name, password);
      return { hash: await hashPassword(password) };
    });
  }

  /** Replaces the account's TOTP secret (a new phone, or a first one); TAL_ACCOUNT_NOT_FOUND for an unknown name. */
  async setTotp(name: string, secret: string): Promise<void> {
    checkTotp(name, secret, this.opts);
    return this.update(name, async () => ({ totp: secret }));
  }

  /** Replaces the sites of an account whose role is limited to sites. */
  async setSites(name: string, sites: readonly string[]): Promise<void> {
    return this.update(name, async (account) => {
      checkSites(name, account.role, sites, this.opts);
      return { sites: [...sites] };
    });
  }

  /** What changed between two listings: added and changed accounts in `after`'s order, then the removed. */
  static diff(before: readonly Account[], after: readonly Account[]): AccountChange[] {
    const old = new Map(before.map((a) => [a.name, a]));
    const now = new Set(after.map((a) => a.name));
    const changes: AccountChange[] = [];
    for (const a of after) {
      const b = old.get(a.name);
      if (!b) changes.push({ name: a.name, change: 'added' });
      else {
        if (b.role !== a.role) changes.push({ name: a.name, change: 'role' });
        if (b.hash !== a.hash) changes.push({ name: a.name, change: 'password' });
        if (String(b.sites ?? '') !== String(a.sites ?? '')) changes.push({ name: a.name, change: 'sites' });
        if (b.totp !== a.totp) changes.push({ name: a.name, change: 'totp' });
      }
    }
    for (const b of before) if (!now.has(b.name)) changes.push({ name: b.name, change: 'removed' });
    return changes;
  }

  private checkPassword(name: string, password: string): void {
    const problem = passwordProblem(password, name);
    if (problem) throw new TalError('TAL_ACCOUNT_INVALID', `password for "${name}" refused: ${problem}`);
  }

  private update(name: string, fields: (account: Account) => Promise<Partial<Account>>): Promise<void> {
    return this.change(async (accounts) => {
      const i = accounts.findIndex((a) => a.name === name);
      if (i < 0) throw new TalError('TAL_ACCOUNT_NOT_FOUND', `no account named ${JSON.stringify(name)} in ${this.path}`);
      const next = [...accounts];
      next[i] = { ...accounts[i]!, ...(await fields(accounts[i]!)), changed: this.opts.clock.now() };
      return { accounts: next, result: undefined };
    });
  }

  // One change at a time in this process, each on a fresh read: two adds never lose one another.
  private change<T>(apply: (accounts: readonly Account[]) => Promise<{ accounts?: readonly Account[]; result: T }>): Promise<T> {
    const run = this.writes.then(async () => {
      const { accounts, result } = await apply(await this.load());
      if (accounts) {
        this.cache = undefined;
        try {
          await writeFileAtomic(this.path, serializeAccounts(accounts), 0o600);
        } catch (err) {
          throw this.ioError('cannot write', err);
        }
      }
      return result;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<readonly Account[]> {
    let fh;
    try {
      fh = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.cache = undefined;
        return [];
      }
      throw this.ioError('cannot read', err);
    }
    try {
      // One open file for stat and read: the content always belongs to the stat that keys it.
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) throw new TalError('TAL_ACCOUNT_INVALID', `accounts file ${this.path}: is not a file`);
      const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
      if (this.cache?.key === key) return this.cache.accounts;
      const accounts = parseAccounts(await fh.readFile('utf8'), this.path, this.opts).map((a) => Object.freeze(a));
      // Wall-clock time on purpose: it is compared with the file system's times, not the box's logic.
      const racy = Date.now() - Number(st.mtimeMs) < RACY_MS;
      this.cache = racy ? undefined : { key, accounts };
      return accounts;
    } catch (err) {
      if (err instanceof TalError) throw err;
      throw this.ioError('cannot read', err);
    } finally {
      await fh.close();
    }
  }

  private ioError(what: string, err: unknown): TalError {
    return new TalError('TAL_ACCOUNT_INVALID', `accounts file ${this.path}: ${what} it: ${osReason(err)}`, { cause: err });
  }
}

// The cached accounts are shared: a caller gets its own copy, sites included.
function copy(a: Account): Account {
  return a.sites ? { ...a, sites: [...a.sites] } : { ...a };
}
