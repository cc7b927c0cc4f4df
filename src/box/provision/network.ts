// Addresses and networks for the box's firewall: parsed to numbers so that host bits, overlaps
// and duplicates can be found here, where the operator gets the key's name, rather than by nft
// at boot ("conflicting intervals specified"), when the box would come up without its firewall.

import { isIP } from 'node:net';

export type Family = 4 | 6;

export interface Address {
  readonly family: Family;
  readonly value: bigint;
  /** As the operator wrote it, lowercased: what goes into firewall.nft. */
  readonly text: string;
}

export interface Network extends Address {
  readonly prefix: number;
  /** The first and last address of the network. */
  readonly first: bigint;
  readonly last: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/** An IP address, or a reason it is not one. */
export function parseAddress(input: string): Address | { reason: string } {
  const text = input.trim().toLowerCase();
  if (text.includes('%')) return { reason: `"${input}" has a zone id (%…), which a firewall rule cannot use; write the address alone` };
  const family = isIP(text);
  if (family !== 4 && family !== 6) return { reason: `"${input}" is not an IP address (such as 192.0.2.10 or 2001:db8::10)` };
  return { family, value: family === 4 ? v4(text) : v6(text), text };
}

/** A network `address/prefix`, or a bare address (that one host). */
export function parseNetwork(input: string): Network | { reason: string } {
  const [addr, prefixText, extra] = input.trim().split('/');
  if (extra !== undefined) return { reason: `"${input}" is not a network: write address/prefix, such as 10.20.0.0/24` };
  const a = parseAddress(addr!);
  if ('reason' in a) return { reason: `"${input}" is not a network: write address/prefix, such as 10.20.0.0/24 or 2001:db8:20::/64` };
  const bits = BITS[a.family];
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      return { reason: `"${input}": the prefix must be a whole number 0–${bits} for an IPv${a.family} network` };
    }
    prefix = Number(prefixText);
  }
  if (prefix === 0) {
    return { reason: `"${input}" is every ${a.family === 4 ? 'IPv4' : 'IPv6'} address: it would open SSH and the status page to the whole internet; list only the networks the box is managed from` };
  }
  const hostBits = BigInt(bits - prefix);
  const first = (a.value >> hostBits) << hostBits;
  if (first !== a.value) {
    const network = `${formatAddress(a.family, first)}/${prefix}`;
    const host = `${a.text}/${bits}`;
    // Refused rather than widened: for who may log in, guessing the larger meaning is the unsafe guess.
    return { reason: `"${input}" has host bits set; write the network ${network}, or ${host} for that one host` };
  }
  const last = first | ((1n << hostBits) - 1n);
  return { ...a, text: input.trim().toLowerCase(), prefix, first, last };
}

export const overlaps = (a: Network, b: Network): boolean => a.family === b.family && a.first <= b.last && b.first <= a.last;

function v4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6(text: string): bigint {
  let s = text;
  // An IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const dot = s.lastIndexOf(':');
  if (s.slice(dot + 1).includes('.')) {
    const n = v4(s.slice(dot + 1));
    s = `${s.slice(0, dot + 1)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An address the way it is usually written (RFC 5952 for IPv6: the longest zero run as ::). */
export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best.at < 0) return hex(g);
  return `${hex(g.slice(0, best.at))}::${hex(g.slice(best.at + best.len))}`;
}
