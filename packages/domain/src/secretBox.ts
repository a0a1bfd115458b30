import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from "node:crypto";

/**
 * AES-256-GCM envelope for provider credentials at rest: "v1.<iv>.<tag>.<ciphertext>" (base64url).
 * The version prefix lets a later key rotation tell old envelopes from new ones.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(envelope: string): string;
}

export class SecretKeyError extends Error {}

/** `key` is 32 bytes as base64 or hex (64 chars), e.g. from `openssl rand -base64 32`. */
export function createSecretBox(key: string): SecretBox {
  // A KeyObject once, rather than raw bytes imported again by every cipher.
  const keyBytes = createSecretKey(parseKey(key));
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", keyBytes, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v1", iv, cipher.getAuthTag(), ciphertext].map(encode).join(".");
    },
    open(envelope) {
      const [version, iv, tag, ciphertext] = envelope.split(".");
      if (version !== "v1" || !iv || !tag || ciphertext === undefined) {
        throw new SecretKeyError("Encrypted credentials are not a v1 envelope");
      }
      const decipher = createDecipheriv("aes-256-gcm", keyBytes, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      try {
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertext, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new SecretKeyError(
          "Cannot decrypt stored credentials: SYNCHUB_ENCRYPTION_KEY is not the key they were sealed with",
        );
      }
    },
  };
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
