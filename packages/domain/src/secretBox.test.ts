import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, SecretKeyError } from "./secretBox.ts";

const connectionA = "6f1c2f7e-8a55-4f4e-9d3b-2a1d0c9b8e7f";
const connectionB = "0b6a3c44-1f2e-4d5c-8b7a-9e8d7c6b5a49";

describe("secret box", () => {
  const key = randomBytes(32).toString("base64");

  it("round-trips a credential and never stores it in clear", () => {
    const box = createSecretBox(key);
    const sealed = box.seal('{"adminKey":"sk-admin-secret-value"}', connectionA);
    expect(sealed).not.toContain("sk-admin");
    expect(sealed.startsWith("v2.")).toBe(true);
    expect(box.open(sealed, connectionA)).toBe('{"adminKey":"sk-admin-secret-value"}');
  });

  it("refuses a ciphertext copied to another row", () => {
    const box = createSecretBox(key);
    const sealed = box.seal('{"adminKey":"sk-tenant-a"}', connectionA);
    expect(() => box.open(sealed, connectionB)).toThrow(SecretKeyError);
  });

  it("refuses to open with another key, naming the setting to check", () => {
    const sealed = createSecretBox(key).seal("x", connectionA);
    const other = createSecretBox(randomBytes(32).toString("hex"));
    expect(() => other.open(sealed, connectionA)).toThrow(/SYNCHUB_ENCRYPTION_KEY/);
  });

  it("opens an unbound v1 envelope only through openUnbound, for re-sealing", () => {
    // A v1 envelope as the previous version wrote it: the same cipher, no additional data.
    const raw = Buffer.from(key, "base64");
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", raw, iv);
    const ciphertext = Buffer.concat([cipher.update("legacy", "utf8"), cipher.final()]);
    const v1 = ["v1", iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
      .join(".");
    const box = createSecretBox(key);
    expect(() => box.open(v1, connectionA)).toThrow(/v1 envelope/);
    expect(box.openUnbound(v1)).toBe("legacy");
  });

  it("rejects a key of the wrong length", () => {
    expect(() => createSecretBox("c2hvcnQ=")).toThrow(SecretKeyError);
  });
});
