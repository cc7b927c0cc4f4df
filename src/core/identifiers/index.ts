// Identifiers staff type (R3): henkilötunnus, business ID, phone number. Each parser returns a
// canonical spelling or a problem in plain words that never repeats the input; the canonical
// spelling is what gets sealed and blind-indexed. `redactIdentifiers` is the last line of
// defence for log lines and audit details.
export { parseHetu, type HetuResult } from './hetu.js';
export { parseBusinessId, type BusinessIdResult } from './business-id.js';
export { parsePhone, normaliseNumber, type PhoneResult } from './phone.js';
export { redactIdentifiers } from './redact.js';
