// The headers of every web page tallennin serves (the box's status page, the central console):
// a Content-Security-Policy allowing only the app's own origin for what the page needs, no
// framing, no referrer, no sniffing, no sharing across origins, no devices.

/** default-src 'none', then 'self' for each of `selfSources` (e.g. style-src), forms posting only here. */
export function contentSecurityPolicy(selfSources: readonly string[]): string {
  return ["default-src 'none'", ...selfSources.map((s) => `${s} 'self'`), "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join('; ');
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
});
