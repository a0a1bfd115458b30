import { describe, expect, it } from "vitest";
import { errorFingerprint } from "./fingerprint.ts";

describe("error fingerprint", () => {
  it("groups the same cause across connections, numbers and masked keys", () => {
    const a = errorFingerprint(
      "sync.connection",
      "permanent",
      "OpenAI rejected the admin key (401 invalid_api_key): Incorrect API key provided: sk-adm***ech.",
    );
    const b = errorFingerprint(
      "sync.connection",
      "permanent",
      "OpenAI rejected the admin key (401 invalid_api_key): Incorrect API key provided: sk-adm***xyz.",
    );
    expect(a).toBe(b);
  });

  it("separates different causes, classes and tasks", () => {
    const base = errorFingerprint("sync.connection", "transient", "OpenAI answered 503");
    expect(errorFingerprint("sync.connection", "transient", "OpenAI request timed out")).not.toBe(base);
    expect(errorFingerprint("sync.connection", "permanent", "OpenAI answered 503")).not.toBe(base);
    expect(errorFingerprint("catalog.import", "transient", "OpenAI answered 503")).not.toBe(base);
  });
});
