import { provision as provisionFolder } from '../box/provision/provision.js';
import { resolveGroup } from '../box/provision/group.js';
import { redact, WriteError } from '../box/provision/problems.js';
import { parse, required } from './args.js';

const usage = 'tallennin provision --file FILE --etc DIR [--group NAME|GID]';
/** sysexits.h EX_CANTCREAT: the output could not be created. */
const EX_CANTCREAT = 73;

/**
 * `provision`: run as root by the box's first boot. Checks the operator's provisioning file whole
 * and writes the config folder from it, all or nothing; the first boot deletes the file only
 * after this succeeds (docs/provisioning.md).
 */
export async function provision(argv: string[]): Promise<void> {
  const args = parse(argv, { file: { type: 'string' }, etc: { type: 'string' }, group: { type: 'string' } }, usage);
  const file = required(args.file, '--file', usage);
  const etc = required(args.etc, '--etc', usage);
  const gid = args.group === undefined ? undefined : await resolveGroup(args.group);
  try {
    const done = await provisionFolder({ file, etc, ...(gid === undefined ? {} : { gid }) });
    process.stdout.write(`provisioned box ${done.box.id} of site ${done.box.site} into ${done.dir}: ${done.files.join(', ')}\n`);
  } catch (err) {
    if (!(err instanceof WriteError)) throw err;
    // main() prints TalErrors; this one has its own exit status (record does the same for 75).
    process.stderr.write(`tallennin provision: ${redact(err.message)}\n`);
    process.exitCode = EX_CANTCREAT;
  }
}
