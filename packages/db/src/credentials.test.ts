import { createCipheriv, randomBytes } from "node:crypto";
import { createSecretBox, SecretKeyError } from "@synchub/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resealUnboundCredentials } from "./repositories/credentials.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

const key = randomBytes(32).toString("base64");
const box = createSecretBox(key);

/** A v1 envelope exactly as synchub sealed credentials before they were bound to their row. */
function sealV1(plaintext: string, withKey = key): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(withKey, "base64"), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

let t: TestDatabase;
let tenantId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  tenantId = (
    await t.db
      .insertInto("tenants")
      .values({ name: "T", tier: "pro" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => t.drop());

async function insert(name: string, credentials: string): Promise<string> {
  const row = await t.db
    .insertInto("connections")
    .values({
      tenant_id: tenantId,
      provider: "openai",
      name,
      base_url: null,
      credentials_encrypted: credentials,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function stored(id: string): Promise<string> {
  return (
    await t.db
      .selectFrom("connections")
      .select("credentials_encrypted")
      .where("id", "=", id)
      .executeTakeFirstOrThrow()
  ).credentials_encrypted;
}

describe("re-sealing credentials bound to their connection", () => {
  it("turns every v1 envelope into one bound to its row, once, and a copy no longer opens elsewhere", async () => {
    const alice = await insert("alice", sealV1('{"adminKey":"sk-alice"}'));
    const bob = await insert("bob", sealV1('{"adminKey":"sk-bob"}'));
    // Sealed with a key this deployment no longer has: left alone, its sync will say so.
    const stranger = await insert("stranger", sealV1("{}", randomBytes(32).toString("base64")));
    const strangerBefore = await stored(stranger);

    expect(await resealUnboundCredentials(t.db, box)).toBe(2);
    expect(await resealUnboundCredentials(t.db, box)).toBe(0);

    const aliceSealed = await stored(alice);
    expect(aliceSealed.startsWith("v2.")).toBe(true);
    expect(box.open(aliceSealed, alice)).toBe('{"adminKey":"sk-alice"}');
    expect(box.open(await stored(bob), bob)).toBe('{"adminKey":"sk-bob"}');
    expect(await stored(stranger)).toBe(strangerBefore);

    // An attacker with write access copies Alice's ciphertext into Bob's row.
    await t.db
      .updateTable("connections")
      .set({ credentials_encrypted: aliceSealed })
      .where("id", "=", bob)
      .execute();
    expect(() => box.open(aliceSealed, bob)).toThrow(SecretKeyError);
  });
});
