import { createHash, createHmac } from "node:crypto";

/**
 * Volcano Engine OpenAPI request signing (HMAC-SHA256, shaped like AWS SigV4):
 *
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
 *                      SignedHeaders \n hex(sha256(body))
 *   StringToSign     = "HMAC-SHA256" \n X-Date \n Date/Region/Service/request \n hex(sha256(CanonicalRequest))
 *   kSigning         = HMAC(HMAC(HMAC(HMAC(secret, Date), Region), Service), "request")
 *   Authorization    = HMAC-SHA256 Credential=AK/Date/Region/Service/request, SignedHeaders=..., Signature=hex(HMAC(kSigning, StringToSign))
 *
 * Unlike AWS the secret is used as is (no "AWS4" prefix) and the scope ends in "request".
 */

export const volcengineAlgorithm = "HMAC-SHA256";

export interface VolcengineSignInput {
  method: string;
  url: URL;
  /**
   * Headers to send. They are signed as the official SDKs sign them: all but authorization,
   * content-type, content-length, user-agent, presigned-expires and expect.
   */
  headers?: Record<string, string>;
  body?: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  /** Signing time. (Default: now) */
  date?: Date;
}

/** What @volcengine/openapi's signer leaves out of the signature (lib/base/sign.js). */
const unsignableHeaders = new Set([
  "authorization",
  "content-type",
  "content-length",
  "user-agent",
  "presigned-expires",
  "expect",
]);

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Query parameters encoded, then sorted by name (byte order); equal names keep their order. */
export function canonicalQueryString(params: URLSearchParams): string {
  return [...params]
    .map(([name, value]) => [rfc3986Encode(name), rfc3986Encode(value)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

export function sha256Hex(data: string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** YYYYMMDD'T'HHMMSS'Z' in UTC. */
export function formatXDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

export function canonicalRequest(input: {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case names to values; all of them are signed. */
  headers: Record<string, string>;
  bodySha256: string;
}): { canonical: string; signedHeaders: string } {
  const names = Object.keys(input.headers)
    .map((name) => name.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonicalHeaders = names
    .map((name) => `${name}:${lower[name]!.trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const signedHeaders = names.join(";");
  const canonical = [
    input.method.toUpperCase(),
    input.path || "/",
    canonicalQueryString(input.query),
    canonicalHeaders,
    signedHeaders,
    input.bodySha256,
  ].join("\n");
  return { canonical, signedHeaders };
}

export function signingKey(
  secretAccessKey: string,
  shortDate: string,
  region: string,
  service: string,
): Buffer {
  let key: Buffer = Buffer.from(secretAccessKey, "utf8");
  for (const part of [shortDate, region, service, "request"]) {
    key = createHmac("sha256", key).update(part).digest();
  }
  return key;
}

export interface VolcengineSignature {
  /** The caller's headers plus X-Date, X-Content-Sha256 (with a body) and Authorization, names lower-case. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string;
}

/**
 * Signs a request exactly as Volcano Engine's official Node SDK does (checked byte for byte against
 * its output in fixtures/signing-vectors.json): it signs X-Date, X-Content-Sha256 only when there is
 * a body, and the caller's signable headers; not Host, which the gateway does not require.
 */
export function volcengineSignature(input: VolcengineSignInput): VolcengineSignature {
  const xDate = formatXDate(input.date ?? new Date());
  const shortDate = xDate.slice(0, 8);
  const body = input.body ?? "";
  const bodySha256 = sha256Hex(body);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    "x-date": xDate,
    ...(body === "" ? {} : { "x-content-sha256": bodySha256 }),
  };
  const toSign = Object.fromEntries(Object.entries(headers).filter(([name]) => !unsignableHeaders.has(name)));
  const { canonical, signedHeaders } = canonicalRequest({
    method: input.method,
    path: input.url.pathname,
    query: input.url.searchParams,
    headers: toSign,
    bodySha256,
  });
  const scope = `${shortDate}/${input.region}/${input.service}/request`;
  const stringToSign = [volcengineAlgorithm, xDate, scope, sha256Hex(canonical)].join("\n");
  const signature = createHmac(
    "sha256",
    signingKey(input.secretAccessKey, shortDate, input.region, input.service),
  )
    .update(stringToSign)
    .digest("hex");
  return {
    headers: {
      ...headers,
      authorization: `${volcengineAlgorithm} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
    canonicalRequest: canonical,
    stringToSign,
    signedHeaders,
  };
}

/** The headers to send for a signed request (see `volcengineSignature`). */
export function signVolcengineRequest(input: VolcengineSignInput): Record<string, string> {
  return volcengineSignature(input).headers;
}
