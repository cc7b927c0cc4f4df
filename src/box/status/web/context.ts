// What the routes share: the box, the people (accounts, sessions, lockout) and the page's own
// helpers. Built once by buildStatusApp.
import type { Logger } from 'pino';
import type { AccountsFile, Lockout, Sessions } from '../../../core/auth/index.js';
import type { Clock } from '../../../core/clock.js';
import type { Box } from '../../box.js';
import type { AccountsWatch } from './accounts-watch.js';
import type { Auditor } from './auditor.js';
import type { Flash } from './flash.js';
import type { Formats } from './format.js';
import type { CookieNames } from './session.js';
import type { StatusViews } from './view.js';

export interface WebContext {
  box: Box;
  clock: Clock;
  log: Logger;
  accounts: AccountsFile;
  watch: AccountsWatch;
  sessions: Sessions;
  lockout: Lockout;
  audit: Auditor;
  views: StatusViews;
  flash: Flash;
  cookies: CookieNames;
  fmt: Formats;
}
