// Checks between the fields of a provisioning file: the certificate against box.id, the CA and
// the key; the broker's url against its addresses; the management networks against each other.
// They read the parsed YAML directly (not zod's output) so that they run even when an unrelated
// field is wrong, and they look only at values that are valid on their own, so that one mistake
// is reported once.

import { isIP } from 'node:net';
import type { KeyObject, X509Certificate } from 'node:crypto';
import { NAME_PATTERN, type Finding } from '../../core/config/messages.js';
import { overlaps, parseAddress, parseNetwork, type Address, type Network } from './network.js';
import { certificates, commonName, failed, isForClients, privateKey } from './pem.js';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (v: unknown, key: string): unknown => (isDict(v) ? v[key] : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** `now`: the box's clock at first boot, for the certificates' expiry. */
export function crossChecks(data: unknown, now: Date): Finding[] {
  return [...identityChecks(data), ...certificateChecks(data, now), ...brokerChecks(data), ...networkChecks(data)];
}

function identityChecks(data: unknown): Finding[] {
  // The indexer's certificate has CN "indexer" (image/mosquitto/make-certs.sh): a box by that
  // name would be given the indexer's rights by the broker.
  if (field(field(data, 'box'), 'id') !== 'indexer') return [];
  return [{ at: ['box', 'id'], reason: '"indexer" is the indexer\'s own identity at the broker, never a box\'s; choose another id' }];
}

function certificateChecks(data: unknown, now: Date): Finding[] {
  const out: Finding[] = [];
  const broker = field(data, 'broker');
  const caText = text(field(broker, 'ca'));
  const certText = text(field(broker, 'cert'));
  const keyText = text(field(broker, 'key'));
  const ca = caText === undefined ? undefined : certificates(caText, '', false);
  const cert = certText === undefined ? undefined : certificates(certText, '', true);
  const key = keyText === undefined ? undefined : privateKey(keyText);

  if (ca && !failed(ca)) {
    ca.certs.forEach((c, i) => {
      const expired = expiredOn(c, now);
      const which = ca.certs.length > 1 ? `certificate ${i + 1} (${dn(c.subject)})` : 'the CA certificate';
      if (expired) out.push({ at: ['broker', 'ca'], reason: `${which} expired on ${expired}; the box could not trust the broker` });
    });
  }
  if (!cert || failed(cert)) return out;
  const leaf = cert.certs[0]!;

  const id = field(field(data, 'box'), 'id');
  const cn = commonName(leaf);
  if (cn === undefined) {
    out.push({ at: ['broker', 'cert'], reason: 'the certificate has no single CN; the broker takes the box\'s identity from it, so it must be box.id' });
  } else if (typeof id === 'string' && NAME_PATTERN.test(id) && cn !== id) {
    out.push({ at: ['broker', 'cert'], reason: `the certificate's CN is ${JSON.stringify(cn)}, but box.id is ${JSON.stringify(id)}; the broker would let this box use only ${JSON.stringify(cn)}'s topics` });
  }
  const expired = expiredOn(leaf, now);
  // Not "not yet valid": a Pi has no clock battery, and at first boot, before NTP, its clock
  // is the image's build time, older than any certificate made for it since.
  if (expired) out.push({ at: ['broker', 'cert'], reason: `the certificate expired on ${expired}; the broker would refuse it: make a new one (image/mosquitto/make-certs.sh)` });
  if (!isForClients(leaf)) {
    out.push({ at: ['broker', 'cert'], reason: 'the certificate is not for TLS clients (its extended key usage has no clientAuth), and the broker would refuse it; is it the broker\'s own server certificate?' });
  }
  if (ca && !failed(ca) && !ca.certs.some((c) => signedBy(leaf, c))) {
    out.push({ at: ['broker', 'cert'], reason: `the certificate is not signed by the CA in broker.ca (it names its issuer as ${JSON.stringify(dn(leaf.issuer))}); the broker, which trusts that CA, would refuse it` });
  }
  if (key && !failed(key) && !matches(leaf, key.key)) {
    out.push({ at: ['broker', 'key'], reason: 'is not the private key of the certificate in broker.cert; give the key made with it (<box>.key)' });
  }
  return out;
}

function brokerChecks(data: unknown): Finding[] {
  const broker = field(data, 'broker');
  const url = brokerHost(field(broker, 'url'));
  const written = field(broker, 'addresses');
  const list = Array.isArray(written) ? written : [];
  const out: Finding[] = [];
  const seen: { a: Address; i: number }[] = [];
  list.forEach((v, i) => {
    const a = typeof v === 'string' ? parseAddress(v) : undefined;
    if (!a || failed(a)) return;
    const first = seen.find((s) => s.a.family === a.family && s.a.value === a.value);
    if (first) out.push({ at: ['broker', 'addresses', i], reason: `${JSON.stringify(v)} is listed already, at broker.addresses[${first.i}]` });
    else seen.push({ a, i });
  });
  if (!url || written === null || (written !== undefined && !Array.isArray(written))) return out;
  if (url.ip === undefined && list.length === 0) {
    out.push({
      at: ['broker', 'addresses'],
      missing: written === undefined,
      reason: `${written === undefined ? 'is missing' : 'is empty'}: broker.url names the host ${JSON.stringify(url.host)}, and the firewall lets the box reach the broker at listed addresses only (a name is not looked up at boot, when the network may not be up yet); list its IPv4 and IPv6 addresses`,
    });
  }
  if (url.ip !== undefined && seen.length > 0 && !seen.some((s) => s.a.family === url.ip!.family && s.a.value === url.ip!.value)) {
    out.push({ at: ['broker', 'addresses'], reason: `does not hold ${url.host}, the address in broker.url; the firewall would block the broker` });
  }
  return out;
}

function networkChecks(data: unknown): Finding[] {
  const written = field(data, 'managementNetworks');
  if (!Array.isArray(written)) return [];
  const out: Finding[] = [];
  const seen: { n: Network; i: number }[] = [];
  written.forEach((v, i) => {
    const n = typeof v === 'string' ? parseNetwork(v) : undefined;
    if (!n || failed(n)) return;
    // nft refuses overlapping intervals in a set without auto-merge, and a firewall.nft that does
    // not load leaves the box closed to everyone (image/rootfs/firewall-load); the image's sets
    // merge them, but the file should load into any set of the documented type.
    const other = seen.find((s) => overlaps(s.n, n));
    if (other) out.push({ at: ['managementNetworks', i], reason: `${JSON.stringify(v)} overlaps ${JSON.stringify(other.n.text)} (managementNetworks[${other.i}]); list each network once` });
    else seen.push({ n, i });
  });
  return out;
}

/** The broker's host, and its address when the url gives one; undefined when the url is not valid. */
export function brokerHost(url: unknown): { host: string; port: number; ip?: Address } | undefined {
  if (typeof url !== 'string') return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'mqtts:' && u.protocol !== 'mqtt:') return undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  // mqtt.js's defaults when the url has no port.
  const port = u.port ? Number(u.port) : u.protocol === 'mqtts:' ? 8883 : 1883;
  const ip = isIP(host) ? parseAddress(host) : undefined;
  return { host, port, ...(ip && !failed(ip) ? { ip } : {}) };
}

function expiredOn(cert: X509Certificate, now: Date): string | undefined {
  const end = new Date(cert.validTo);
  return !Number.isNaN(end.getTime()) && end.getTime() < now.getTime() ? end.toISOString().slice(0, 10) : undefined;
}

function signedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  try {
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

function matches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** "O=tallennin\nCN=x" → "O=tallennin, CN=x". */
const dn = (subject: string) => subject.split('\n').join(', ');
