export interface OriginPolicyOptions {
  /** Origins a browser may send changes from, e.g. the public URL's and the dev admin's. */
  trustedOrigins: string[];
  /** Also trust the origin the request itself was addressed to (no public URL configured). */
  trustRequestOrigin: boolean;
}

/**
 * Cross-site request forgery guard for cookie-authenticated changes: a browser always sends
 * Origin (or at least Referer) with a POST, so a change from another site can be told apart even
 * where SameSite does not hold (older browsers, sibling subdomains). Answers the origin that was
 * refused, or null when the request may change things.
 */
export function originPolicy(options: OriginPolicyOptions) {
  const trusted = new Set(options.trustedOrigins.map((origin) => new URL(origin).origin));
  return (headers: Headers, requestUrl: string): { refused: string } | null => {
    const origin = requestOrigin(headers.get("origin"), headers.get("referer"));
    if (origin !== null && trusted.has(origin)) return null;
    if (origin !== null && options.trustRequestOrigin && origin === new URL(requestUrl).origin) return null;
    return { refused: origin ?? "(none)" };
  };
}

function requestOrigin(origin: string | null, referer: string | null): string | null {
  // "null" is what a browser sends from a sandboxed frame or after a cross-origin redirect.
  if (origin && origin !== "null") return origin;
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}
