// Every operational error tallennin raises carries one of these stable codes.
// docs/errors.md lists the same codes for operators; test/core/errors.test.ts keeps the two in step.
export const errorCodes = {
  TAL_CONFIG_UNREADABLE: 'the configuration file could not be read or parsed',
  TAL_CONFIG_INVALID: 'the configuration does not match the schema; the message names the field',
  TAL_KEY_INVALID: 'a key file is not a key of the expected kind',
  TAL_KEY_PASSPHRASE: 'the private key could not be decrypted with the passphrase given',
  TAL_SEAL_FORMAT: 'sealed data is not in a format version this build can read',
  TAL_SEAL_WRONG_KEY: 'the content key of a recording cannot be unwrapped with the private key given',
  TAL_SEAL_AUTH_FAILED: 'sealed data failed authentication: it was altered, or belongs elsewhere',
  TAL_EXPORT_CHUNK_MISSING: 'a chunk of the recording is missing',
  TAL_EXPORT_CHUNK_REORDERED: 'chunks of the recording are stored out of order',
  TAL_EXPORT_CHUNK_ALTERED: 'a chunk of the recording was altered',
  TAL_EXPORT_FINAL_MISSING: 'the final chunk of a recording that was closed normally is missing',
  TAL_STORE_NOT_OPEN: 'the store is not open',
  TAL_STORE_LOCKED: 'the store is in use by another process',
  TAL_STORE_FAILED: 'a write to the store failed (disk full or I/O error); it takes no more writes until reopened',
  TAL_RECORDING_NOT_FOUND: 'no recording with that id',
  TAL_RECORDING_DESTROYED: 'the recording was destroyed (expired or deleted); only its tombstone remains',
  TAL_HOLD_INVALID: 'a hold, release or deletion request is missing or has a wrong field; the message names it',
  TAL_AUDIT_BROKEN: 'the audit chain does not verify, or its last entry is unreadable; the message names the entry',
  TAL_AUDIT_INVALID: 'an audit entry was refused: a field is missing, of the wrong type or not representable in the canonical form',
  TAL_CAPTURE_DEVICE: 'the capture device could not be opened or was lost',
  TAL_ACCOUNT_INVALID: 'an account was refused (name, role or password), or the accounts file cannot be read or written or is not in the expected format; the message names what',
  TAL_ACCOUNT_NOT_FOUND: 'no account with that name',
  TAL_ANNOUNCEMENT_INVALID: 'the recording announcement file is missing, unreadable, not WAV or Ogg Opus, or not a usable announcement; the message names the file and what is wrong',
  TAL_PLAYBACK_DEVICE: 'the announcement could not be played on the playback device; the message gives the ALSA error',
  TAL_USAGE: 'the command line is not valid',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class TalError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TalError';
    this.code = code;
  }
}

export function isTalError(err: unknown, code?: ErrorCode): err is TalError {
  return err instanceof TalError && (code === undefined || err.code === code);
}
