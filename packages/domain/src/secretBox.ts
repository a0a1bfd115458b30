import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from "node:crypto";

/**
 * AES-256-GCM envelope for provider credentials at rest: "v2.<iv>.<tag>.<ciphertext>" (base64url),
 * bound to the row it belongs to: the row's id is the cipher's additional data, so a ciphertext
 * copied into another row (another tenant's connection) fails to open there. The version prefix
 * tells envelopes apart; "v1" envelopes (no binding) are only opened to be sealed again.
 */
export interface SecretBox {
  /** Seals `plaintext` for the row `boundTo` (e.g. the connection id). */
  seal(plaintext: string, boundTo: string): string;
  /** Opens an envelope sealed for `boundTo`; throws SecretKeyError for another row's or a v1 one. */
  open(envelope: string, boundTo: string): string;
  /** Opens a v1 envelope (sealed before rows were bound), only to seal it again. */
  openUnbound(envelope: string): string;
}

export class SecretKeyError extends Error {}

/** `key` is 32 bytes as base64 or hex (64 chars), e.g. from `openssl rand -base64 32`. */
export function createSecretBox(key: string): SecretBox {
  // A KeyObject once, rather than raw bytes imported again by every cipher.
  const keyObject = createSecretKey(parseKey(key));
  return {
    seal(plaintext, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", keyObject, iv);
      cipher.setAAD(additionalData(boundTo));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v2", iv, cipher.getAuthTag(), ciphertext].map(encode).join(".");
    },
    open(envelope, boundTo) {
      const parts = split(envelope);
      if (parts.version !== "v2") {
        throw new SecretKeyError(
          "Encrypted credentials are a v1 envelope: restart the server or worker to re-seal them",
        );
      }
      return decrypt(keyObject, parts, additionalData(boundTo));
    },
    openUnbound(envelope) {
      const parts = split(envelope);
      if (parts.version !== "v1") throw new SecretKeyError("Only v1 envelopes are opened unbound");
      return decrypt(keyObject, parts, null);
    },
  };
}

interface Parts {
  version: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

function split(envelope: string): Parts {
  const [version, iv, tag, ciphertext] = envelope.split(".");
  if ((version !== "v1" && version !== "v2") || !iv || !tag || ciphertext === undefined) {
    throw new SecretKeyError("Encrypted credentials are not a synchub envelope");
  }
  return { version, iv, tag, ciphertext };
}

function decrypt(key: KeyObject, parts: Parts, aad: Buffer | null): string {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parts.iv, "base64url"));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(parts.tag, "base64url"));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(parts.ciphertext, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new SecretKeyError(
      "Cannot decrypt stored credentials: they were sealed with another SYNCHUB_ENCRYPTION_KEY, or for another row",
    );
  }
}

function additionalData(boundTo: string): Buffer {
  if (!boundTo) throw new SecretKeyError("A sealed secret must be bound to a row id");
  return Buffer.from(`synchub:${boundTo}`, "utf8");
}

function encode(part: string | Buffer): string {
  return typeof part === "string" ? part : part.toString("base64url");
}

function parseKey(key: string): Buffer {
  const bytes = /^[0-9a-f]{64}$/i.test(key) ? Buffer.from(key, "hex") : Buffer.from(key, "base64");
  if (bytes.length !== 32) {
    throw new SecretKeyError(
      `SYNCHUB_ENCRYPTION_KEY must be 32 bytes (base64 or 64 hex characters); got ${bytes.length} bytes`,
    );
  }
  return bytes;
}
