// The PEM texts of a provisioning file, each checked on its own: the kind of block, that it
// decodes, and that no private key sits where only public material belongs. What a text must
// agree with elsewhere in the file (the certificate with box.id, the CA and the key) is in
// checks.ts. Each function returns the reason a technician reads, or the parsed value.

import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { parseCommandPublicKey } from '../../core/protocol/command.js';
import { parsePublicKey } from '../../core/seal/index.js';

export interface PemBlock {
  readonly label: string;
  /** The block alone, each line trimmed, LF line ends (a laptop may have written CRLF). */
  readonly text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(BLOCK)].map((m) => ({
    label: m[1]!,
    text: m[0].split(/\r?\n|\r/).map((l) => l.trim()).filter((l) => l !== '').join('\n') + '\n',
  }));
}

type Checked<T> = T | { reason: string };
export const failed = <T>(c: Checked<T>): c is { reason: string } => typeof c === 'object' && c !== null && 'reason' in c;

const NOT_PEM = (what: string) =>
  `is not PEM text: paste the contents of the ${what} file (from "-----BEGIN" to "-----END …-----") under a "|" line, not the file's name`;

const isPrivate = (b: PemBlock) => b.label.includes('PRIVATE KEY');

/** The controller's X25519 public key, parsed by the recorder's own parser (so a private key is
 *  refused with the recorder's own warning). */
export function sealingKey(text: string): Checked<PemBlock> {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return { reason: NOT_PEM('controller\'s public key (controller.pub)') };
  try {
    parsePublicKey(text, 'it');
  } catch (err) {
    return { reason: (err as Error).message };
  }
  return blocks[0]!;
}

/** A central command key: Ed25519, public, checked as the recorder's loadCommandKeys does. */
export function commandKey(text: string): Checked<PemBlock> {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return { reason: NOT_PEM('command public key (command.pub)') };
  if (blocks.some(isPrivate)) return { reason: 'it holds a private key; a private key must never be given to the box: give it the command key\'s public half (command.pub)' };
  if (blocks.length !== 1 || blocks[0]!.label !== 'PUBLIC KEY') return { reason: `expected one "PUBLIC KEY" block, found ${labels(blocks)}` };
  try {
    parseCommandPublicKey(blocks[0]!.text);
  } catch (err) {
    // parseCommandPublicKey's own words for a wrong kind; node's decoder errors mean nothing to a technician.
    const own = err instanceof TypeError && !('code' in err);
    return { reason: own ? (err as Error).message : 'the "PUBLIC KEY" block does not decode as a public key' };
  }
  return blocks[0]!;
}

export interface Certificates {
  readonly blocks: PemBlock[];
  readonly certs: X509Certificate[];
}

/** One or more certificates and nothing else; `what` names them in messages. */
export function certificates(text: string, what: string, one: boolean): Checked<Certificates> {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return { reason: NOT_PEM(what) };
  if (blocks.some(isPrivate)) {
    return { reason: `it holds a private key as well as ${one ? 'a certificate' : 'certificates'}; give only the certificate${one ? ' here, and its key under broker.key' : 's: a CA\'s key must never leave the machine that signs'}` };
  }
  const other = blocks.filter((b) => b.label !== 'CERTIFICATE');
  if (other.length > 0) return { reason: `expected "CERTIFICATE" blocks only, found ${labels(other)}` };
  if (one && blocks.length > 1) return { reason: `holds ${blocks.length} certificates; give this box's certificate alone (the CA's goes under broker.ca)` };
  const certs: X509Certificate[] = [];
  for (const [i, b] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(b.text));
    } catch {
      return { reason: `${one ? 'the certificate' : `certificate ${i + 1}`} does not decode as an X.509 certificate` };
    }
  }
  return { blocks, certs };
}

/** The box's TLS private key: one unencrypted private key block. */
export function privateKey(text: string): Checked<{ block: PemBlock; key: KeyObject }> {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return { reason: NOT_PEM('box\'s private key (<box>.key)') };
  if (blocks.length !== 1 || !isPrivate(blocks[0]!)) {
    return { reason: `expected one private key block (such as "PRIVATE KEY"), found ${labels(blocks)}` };
  }
  const block = blocks[0]!;
  const encrypted = 'it is encrypted; the recorder must read it unattended at every start, so give it unencrypted (on the box only root and the recorder can read it)';
  if (block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(block.text)) return { reason: encrypted };
  try {
    return { block, key: createPrivateKey({ key: block.text, format: 'pem' }) };
  } catch {
    return { reason: `the "${block.label}" block does not decode as a private key` };
  }
}

/** The certificate's subject CN, or undefined when it has none or several. */
export function commonName(cert: X509Certificate): string | undefined {
  const cns = cert.subject.split('\n').filter((l) => l.startsWith('CN=')).map((l) => l.slice(3));
  return cns.length === 1 ? cns[0] : undefined;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** False only when the certificate says what it is for, and TLS client is not among it. */
export function isForClients(cert: X509Certificate): boolean {
  const usage = cert.keyUsage as string[] | undefined;
  return usage === undefined || usage.includes(CLIENT_AUTH);
}

function labels(blocks: readonly PemBlock[]): string {
  return blocks.length === 0 ? 'none' : blocks.map((b) => `"${b.label}"`).join(', ');
}
