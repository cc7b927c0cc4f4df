// What the indexer's HTTP API is built from. Everything is injected, so the API runs over the
// real index, fleet and MQTT side in production and over in-memory fakes in its unit tests.
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { AuditInput, AuditResult } from '../../core/audit/entry.js';
import type { BoxView } from '../fleet/types.js';
import type { CallIndexApi, IndexedCall } from '../index/types.js';
import type { CommandSender } from '../ingest/types.js';
import type { ConsoleDeps } from '../console/context.js';
import type { Playback } from '../playback/playback.js';
import type { ProjectsApi } from '../projects/types.js';

export type Role = 'supervisor' | 'trainer' | 'privacy-officer' | 'admin';
export const ROLES: readonly Role[] = ['supervisor', 'trainer', 'privacy-officer', 'admin'];

/** One API bearer token of the indexer config. Only its SHA-256 is kept. */
export interface ApiToken {
  /** who holds it: the audit actor and the `by` of the commands sent with it */
  name: string;
  role: Role;
  /** supervisors only: the sites they may see (absent = all) */
  sites?: string[];
  /** lower-case hex SHA-256 of the token */
  sha256: string;
}

/** Who a request was authenticated as. */
export interface Principal {
  name: string;
  role: Role;
  /** absent: every site */
  sites?: readonly string[];
}

/** An entry for the indexer's audit log: exactly what the log itself takes. */
export type ApiAuditEntry = AuditInput;
export type { AuditResult };

export interface Alarm {
  kind: string;
  site: string;
  box: string;
  message: string;
  since: number;
  target?: string;
}

/** A call's numbers, unsealed with the controller key. */
export interface OpenedNumbers {
  calling?: string;
  called?: string;
  name?: string;
}

export interface ApiDeps {
  index: CallIndexApi;
  fleet: { list(now: number): BoxView[] };
  commands: CommandSender;
  audit: { append(entry: ApiAuditEntry): Promise<unknown> };
  tokens: ApiToken[];
  clock: Clock;
  /** the API logs errors and refusals here, never a query string or a number */
  log: Logger;
  alarms(): Alarm[];
  /** unseals a call's numbers; called only for the detail view with a purpose and case reference */
  openNumbers(call: IndexedCall): OpenedNumbers | undefined | Promise<OpenedNumbers | undefined>;
  /** how long a command waits for the box's reply (default: the CommandSender's own) */
  commandTimeoutMs?: number;
  /** failed authentications per client address before it is refused for a while */
  authFailures?: { max: number; windowMs: number };
  /** behind a reverse proxy: which hops to trust for the client address (fastify's trustProxy);
   *  without it every client would share the proxy's address, and its failure count */
  trustProxy?: boolean | string | string[];
  /** the staff console under /console (issue 8); absent: the JSON API only */
  console?: ConsoleDeps;
  /** recordings opened for listening (GET /api/calls/:id/audio); absent: that route answers 503 */
  playback?: Pick<Playback, 'open'>;
  /** the training projects: which recordings a trainer's token may hear */
  projects?: Pick<ProjectsApi, 'containing'>;
  /** serve over HTTPS with this certificate and key (PEM) */
  https?: { cert: string | Buffer; key: string | Buffer };
}
