import type { Logger } from 'pino';
import type { AuditHead } from '../../core/audit/entry.js';
import type { AuditLog } from '../../core/audit/index.js';
import type { AccountsFile, Lockout, Sessions, TotpVerifier } from '../../core/auth/index.js';
import type { Clock } from '../../core/clock.js';
import type { BoxView } from '../fleet/types.js';
import type { CallIndexApi } from '../index/types.js';
import type { ApiDeps } from '../api/types.js';
import type { Auditor } from '../api/auditor.js';
import type { AbstractLevel } from 'abstract-level';
import type { IndexerConfig } from '../config.js';
import type { CopyKeeper } from '../copies/keeper.js';
import type { FieldSealer } from '../registers/sealer.js';
import type { CommandSender } from '../ingest/types.js';
import type { ListenGrants } from '../playback/grants.js';
import type { Playback } from '../playback/playback.js';
import type { ProjectRegister } from '../projects/types.js';
import type { Catalogues } from './i18n/catalogue.js';
import type { CookieNames, PendingLogins } from './session.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLevel = AbstractLevel<any, any, any>;

/** What the console is built from: the indexer's own parts and its `console` config. */
export interface ConsoleDeps {
  accounts: AccountsFile;
  /** roles that must give a one-time code after the password */
  totpRoles: readonly string[];
  sessionMinutes: number;
  language: string;
  index: CallIndexApi;
  fleet: { list(now: number): BoxView[] };
  /** the indexer's own audit chain: appended to by every route, read by the audit viewer */
  audit: ApiDeps['audit'] & Pick<AuditLog, 'entries' | 'verify'>;
  /** the last audit chain head each box published, by `site/box` */
  auditHeads(): ReadonlyMap<string, AuditHead & { ts: number }>;
  /** signed commands to boxes, answered with the box's reply */
  commands: CommandSender;
  /** the training projects: read by every route that reaches a call, changed by the project pages */
  projects: ProjectRegister;
  /** the indexer's LevelDB: each register (issue 9) keeps its entries in a sublevel of its own */
  db: AnyLevel;
  /** seals the registers' personal data to the controller key, opens it, and blinds identifiers */
  sealer: FieldSealer;
  /** the country calling code national numbers are read with (indexer config `numbers.countryCode`; default 358) */
  countryCode?: string;
  /** the controller as the privacy notice names it (indexer config `controller`) */
  controller?: IndexerConfig['controller'];
  /** recordings opened for listening, from the central copy or their box */
  playback: Pick<Playback, 'open'>;
  /** the central sealed copies of held recordings */
  copies: Pick<CopyKeeper, 'ensure' | 'infoOf'>;
  clock: Clock;
  log: Logger;
  /** served over TLS (the cookies are then Secure) */
  secure?: boolean;
  catalogues?: Catalogues;
}

export interface ConsoleContext {
  deps: ConsoleDeps;
  catalogues: Catalogues;
  sessions: Sessions;
  pending: PendingLogins;
  lockout: Lockout;
  totp: TotpVerifier;
  auditor: Auditor;
  cookies: CookieNames;
  /** listens allowed, each with its audio in memory */
  grants: ListenGrants;
}
