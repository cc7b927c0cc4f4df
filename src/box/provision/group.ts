// --group NAME|GID → a gid. Node has no getgrnam, so a name is looked up in the group file
// (the box's groups are local: the image makes `tallennin` with useradd, no NSS service).

import { readFile } from 'node:fs/promises';
import { TalError } from '../../core/errors.js';
import { osReason } from '../../core/config/messages.js';

export async function resolveGroup(spec: string, groupFile = '/etc/group'): Promise<number> {
  if (/^\d+$/.test(spec)) {
    const gid = Number(spec);
    if (gid > 0xfffffffe) throw new TalError('TAL_USAGE', `--group ${spec}: not a group id (0–4294967294)`);
    return gid;
  }
  let text: string;
  try {
    text = await readFile(groupFile, 'utf8');
  } catch (err) {
    throw new TalError('TAL_USAGE', `--group ${spec}: cannot read ${groupFile}: ${osReason(err)}`, { cause: err });
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === spec && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new TalError('TAL_USAGE', `--group ${spec}: no such group in ${groupFile}`);
}
