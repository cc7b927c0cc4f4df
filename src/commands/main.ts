import { isTalError } from '../core/errors.js';
import { demo } from '../demo/demo.js';
import { exportRecording } from './export.js';
import { keys } from './keys.js';
import { record } from './record.js';
import { recordings } from './recordings.js';
import { simulate } from './simulate.js';
import { audit } from './audit.js';
import { indexer } from './indexer.js';
import { user } from './user.js';
import { announce } from './announce.js';
import { provision } from './provision.js';
import { deleteRecording, hold, release, sweep } from './retention.js';

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  keys,
  record,
  recordings,
  export: exportRecording,
  simulate,
  hold,
  release,
  delete: deleteRecording,
  sweep,
  audit,
  indexer,
  user,
  announce,
  provision,
  demo,
};

const usage = `usage: tallennin <command> [options]
  keys init --out DIR                         make the controller's sealing key pair
  keys command --out DIR                      make the central command key pair (signs fleet commands)
  record --config FILE [--duration SECONDS]   run the recorder
  recordings --config FILE [--json]           list recordings (no personal data)
  export --config FILE --key KEY --id ID --out FILE.opus
                                              unseal one recording to Ogg Opus
  hold --config FILE --id ID --reason R --case REF --by USER (--until DATE | --months N)
                                              keep one recording longer (never past 12 months)
  release --config FILE --id ID --by USER [--case REF]
  delete --config FILE --id ID --by USER --reason TEXT
                                              early deletion (privacy officer)
  sweep --config FILE                         destroy expired recordings now
  audit verify --config FILE                  check the audit chain
  user add --config FILE --name NAME --role technician|site-staff
                                              add a status-page account (password from
                                              TALLENNIN_USER_PASSWORD, or asked twice)
  user add --indexer-config FILE --name NAME --role supervisor|trainer|privacy-officer|admin [--sites A,B]
                                              add a console account (--sites: a supervisor's own
                                              sites); prints a TOTP secret to enrol when required
  user list (--config FILE | --indexer-config FILE)
                                              list accounts (name, role, sites, TOTP set, created)
  user remove (--config FILE | --indexer-config FILE) --name NAME
                                              remove an account; its sessions end
  user passwd (--config FILE | --indexer-config FILE) --name NAME
                                              set a new password for an account
  user totp --indexer-config FILE --name NAME issue a new TOTP secret for a console account
  user sites --indexer-config FILE --name NAME --sites A,B
                                              change the sites of a supervisor
  announce play --config FILE --line ID       play the recording announcement on a line's playback device
  announce check --config FILE --audio FILE   score a call's first seconds (WAV or Ogg Opus) against the announcement
  provision --file FILE --etc DIR [--group NAME|GID]  write the config folder from a provisioning file (first boot)
  indexer --config FILE                       run the central indexer (ingest, search API, fleet commands)
  indexer token --name NAME --role ROLE [--sites A,B]
                                              make an API token for the indexer config
  simulate --scenario FILE --out DIR [--fifo PATH] [--serial TTY]
                                              make (and play) a simulated trunk for tests and demos
  demo [--dir DIR]                            record a simulated two-line trunk and export a call`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    process.stderr.write(`${name && name !== 'help' && name !== '--help' ? `unknown command "${name}"\n` : ''}${usage}\n`);
    return name === 'help' || name === '--help' ? 0 : 2;
  }
  try {
    await command(rest);
    return 0;
  } catch (err) {
    if (isTalError(err)) {
      process.stderr.write(`tallennin ${name}: ${err.message} [${err.code}]\n`);
      return err.code === 'TAL_USAGE' ? 2 : 1;
    }
    throw err;
  }
}
