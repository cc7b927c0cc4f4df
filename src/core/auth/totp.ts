// The console's second factor (issue 8): RFC 6238 TOTP as every authenticator app reads it,
// SHA1, 6 digits, 30 s. otpauth does the HMAC and compares with node's timingSafeEqual.
import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../clock.js';

const DIGITS = 6;
const PERIOD_S = 30;
const ALGORITHM = 'SHA1';
const SECRET_BYTES = 20;

// Uppercase base32 without padding, at least 128 bits (RFC 4226 §4, R6) and at most 640:
// what newTotpSecret writes, or a longer one carried over by hand.
const SECRET_FORMAT = /^[A-Z2-7]{26,128}$/;

/** True for a TOTP secret the accounts file may hold; says nothing about which character is wrong. */
export function isTotpSecret(value: unknown): value is string {
  return typeof value === 'string' && SECRET_FORMAT.test(value);
}

/** 20 random bytes (160 bits, RFC 4226's recommendation) in base32, 32 characters. */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The otpauth:// URI an authenticator app scans: label "issuer:account". */
export function totpUri(secret: string, account: string, issuer = 'tallennin'): string {
  // otpauth's own error would quote the offending character of the secret.
  if (!isTotpSecret(secret)) throw new TypeError('totpUri: the secret is not a base32 TOTP secret');
  return totpOf(secret, account, issuer).toString();
}

export interface TotpVerifierOptions {
  /** names whose last accepted step is remembered at most; default 10000 */
  maxNames?: number;
}

/**
 * Checks codes with a window of one step either way (a phone's clock a little off), and
 * accepts each step at most once per name (RFC 6238 §5.2): a code seen over a shoulder or
 * in a proxy's log cannot be used again, nor can an older one. In memory: a restart forgets,
 * which reopens at most the 90 seconds a code is valid.
 */
export class TotpVerifier {
  /** last accepted step per name; the map's order is least recently accepted first */
  private readonly lastStep = new Map<string, number>();
  private readonly maxNames: number;

  constructor(private readonly clock: Clock, opts: TotpVerifierOptions = {}) {
    const max = opts.maxNames ?? 10_000;
    if (!Number.isSafeInteger(max) || max < 1) throw new TypeError(`TotpVerifier: maxNames must be a positive whole number, got ${max}`);
    this.maxNames = max;
  }

  verify(name: string, secret: string, code: string): boolean {
    if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code) || !isTotpSecret(secret)) return false;
    const timestamp = this.clock.now();
    const delta = totpOf(secret, name).validate({ token: code, timestamp, window: 1 });
    if (delta === null) return false;
    const step = TOTP.counter({ period: PERIOD_S, timestamp }) + delta;
    const last = this.lastStep.get(name);
    if (last !== undefined && step <= last) return false;
    this.lastStep.delete(name);
    this.lastStep.set(name, step);
    // Past the bound the least recently accepted goes. Its code could be replayed only if
    // maxNames other names logged in within the 90 seconds that code lives.
    for (const old of this.lastStep.keys()) {
      if (this.lastStep.size <= this.maxNames) break;
      this.lastStep.delete(old);
    }
    return true;
  }
}

function totpOf(secret: string, label: string, issuer = 'tallennin'): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_S });
}
