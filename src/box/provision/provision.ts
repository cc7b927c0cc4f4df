// `tallennin provision`: the operator's provisioning file → the box's config folder, checked
// whole first and written all or nothing (docs/provisioning.md).

import { dropMisspeltMissing, issueToFindings } from '../../core/config/format-errors.js';
import { TalError } from '../../core/errors.js';
import { announcementProblems, bundledAnnouncement, withBundled } from './announcement.js';
import { boxYaml } from './box-yaml.js';
import { brokerHost, crossChecks } from './checks.js';
import { parseProvisionText, readProvisionText } from './file.js';
import { brokerAddresses, firewallNft } from './firewall.js';
import { FILES } from './layout.js';
import { configProblems, loadWritten } from './load-check.js';
import { certificates, commandKey, failed, privateKey, sealingKey, type PemBlock } from './pem.js';
import { ProvisionError, secretsOf, sortedProblems, withoutSecrets, WriteError } from './problems.js';
import { provisionSchema, type ProvisionData } from './schema.js';
import { checkTarget, putFile, replaceFolder } from './write.js';

export interface ProvisionOptions {
  /** the provisioning file */
  readonly file: string;
  /** the config folder to (re)place */
  readonly etc: string;
  /** chown the folder root:gid; undefined: owners left as they are */
  readonly gid?: number;
  /** the clock for certificate expiry and the files' headers */
  readonly now?: Date;
}

export interface Provisioned {
  readonly dir: string;
  readonly box: { readonly id: string; readonly site: string };
  readonly files: readonly string[];
}

/** Throws TalError (TAL_USAGE, TAL_CONFIG_UNREADABLE, or ProvisionError TAL_CONFIG_INVALID),
 *  never quoting key material; or WriteError when the folder could not be written. */
export async function provision(o: ProvisionOptions): Promise<Provisioned> {
  const now = o.now ?? new Date();
  let secrets: string[] = [];
  try {
    const target = await checkTarget(o.etc);
    const text = await readProvisionText(o.file);
    secrets = secretsOf(text);
    const checked = validate(parseProvisionText(text, o.file), o.file, now);
    const bundled = await bundledAnnouncement(checked, o.file);
    if ('reason' in bundled) throw new ProvisionError(o.file, [bundled]);
    const p = withBundled(checked, bundled);
    const files: [string, string | Buffer][] = plannedFiles(p, now);
    if (bundled.rel) files.push([bundled.rel, bundled.bytes]);
    try {
      await replaceFolder(target, async (tmp) => {
        for (const [rel, content] of files) await putFile(tmp, rel, content);
        const config = await loadWritten(tmp, o.file);
        const announcement = await announcementProblems(config);
        if (announcement.length > 0) throw new ProvisionError(o.file, announcement);
        const broker = brokerHost(p.broker.url)!;
        const nft = firewallNft({ managementNetworks: p.managementNetworks, brokerAddresses: brokerAddresses(p, broker.ip?.text), brokerPort: broker.port, statusPort: config.status.port }, now);
        await putFile(tmp, FILES.firewall, nft);
      }, o.gid === undefined ? {} : { gid: o.gid });
    } catch (err) {
      if (err instanceof TalError) throw err;
      throw new WriteError(target.dir, err);
    }
    return { dir: target.dir, box: p.box, files: [...files.map(([rel]) => rel), FILES.firewall] };
  } catch (err) {
    throw withoutSecrets(err, secrets);
  }
}

/** Every problem of the file at once, or the file's data. */
export function validate(data: unknown, source: string, now: Date): ProvisionData {
  const result = provisionSchema.safeParse(data);
  const schemaFindings = result.success ? [] : result.error.issues.flatMap((i) => issueToFindings(provisionSchema, data, i));
  // `adresses:` misspelt is one mistake, not also "addresses is missing".
  const findings = dropMisspeltMissing([...schemaFindings, ...crossChecks(data, now)]);
  // `config` is last in the file, so its problems (in box.yaml's order) come after the others.
  const problems = [...sortedProblems(findings), ...configProblems(data)];
  if (!result.success || problems.length > 0) throw new ProvisionError(source, problems);
  return result.data;
}

/** The folder's files but firewall.nft (which needs the loaded config's status port). The PEM
 *  files hold the blocks alone, LF line ends: no stray text, no CRLF from a laptop. */
function plannedFiles(p: ProvisionData, now: Date): [string, string][] {
  const one = (c: PemBlock | { reason: string }) => (failed(c) ? unreachable(c.reason) : c.text);
  const ca = certificates(p.broker.ca, '', false);
  const cert = certificates(p.broker.cert, '', true);
  const key = privateKey(p.broker.key);
  if (failed(ca) || failed(cert) || failed(key)) return unreachable('a PEM text changed after it was checked');
  return [
    [FILES.boxYaml, boxYaml(p, now)],
    [FILES.sealingKey, one(sealingKey(p.sealingKey))],
    ...p.commandKeys.map((k, i): [string, string] => [FILES.commandKey(i), one(commandKey(k))]),
    [FILES.ca, ca.blocks.map((b) => b.text).join('')],
    [FILES.cert, cert.blocks[0]!.text],
    [FILES.key, key.block.text],
  ];
}

function unreachable(reason: string): never {
  throw new Error(`provision: ${reason} (validate() should have refused it)`);
}
