import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, SecretKeyError } from "./secretBox.ts";

describe("secret box", () => {
  const key = randomBytes(32).toString("base64");

  it("round-trips a credential and never stores it in clear", () => {
    const box = createSecretBox(key);
    const sealed = box.seal('{"adminKey":"sk-admin-secret-value"}');
    expect(sealed).not.toContain("sk-admin");
    expect(box.open(sealed)).toBe('{"adminKey":"sk-admin-secret-value"}');
  });

  it("refuses to open with another key, naming the setting to check", () => {
    const sealed = createSecretBox(key).seal("x");
    const other = createSecretBox(randomBytes(32).toString("hex"));
    expect(() => other.open(sealed)).toThrow(/SYNCHUB_ENCRYPTION_KEY/);
  });

  it("rejects a key of the wrong length", () => {
    expect(() => createSecretBox("c2hvcnQ=")).toThrow(SecretKeyError);
  });
});
