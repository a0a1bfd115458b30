/**
 * Demo data for `pnpm dev` and the browser tests: a few tenants of each tier with OpenAI
 * connections pointing at the provider sandbox, one with a revoked key to show a failure.
 * Idempotent: fixed ids, so a second run only refreshes the sandbox URL.
 */
import type { Database } from "@synchub/db";
import type { SecretBox, Tier } from "@synchub/domain";
import { sql } from "kysely";

interface DemoTenant {
  id: string;
  name: string;
  tier: Tier;
  activeHoursAgo: number | null;
  connections: { id: string; name: string; adminKey: string }[];
}

const demoTenants: DemoTenant[] = [
  {
    id: "00000000-0000-4000-8000-000000000001",
    name: "Acme Corp",
    tier: "enterprise",
    activeHoursAgo: 1,
    connections: [
      {
        id: "00000000-0000-4000-8000-000000000101",
        name: "Acme production",
        adminKey: "sk-admin-demo-acme-prod",
      },
      {
        id: "00000000-0000-4000-8000-000000000102",
        name: "Acme research",
        adminKey: "sk-admin-demo-acme-research",
      },
    ],
  },
  {
    id: "00000000-0000-4000-8000-000000000002",
    name: "Globex",
    tier: "pro",
    activeHoursAgo: 5,
    connections: [
      { id: "00000000-0000-4000-8000-000000000201", name: "Globex main", adminKey: "sk-admin-demo-globex" },
    ],
  },
  {
    id: "00000000-0000-4000-8000-000000000003",
    name: "Initech",
    tier: "pro",
    activeHoursAgo: 30,
    connections: [
      // Revoked on purpose: the sandbox answers 401, so the admin shows a permanent failure.
      {
        id: "00000000-0000-4000-8000-000000000301",
        name: "Initech legacy",
        adminKey: "sk-admin-revoked-initech",
      },
    ],
  },
  {
    id: "00000000-0000-4000-8000-000000000004",
    name: "Hooli",
    tier: "free",
    activeHoursAgo: null,
    connections: [
      { id: "00000000-0000-4000-8000-000000000401", name: "Hooli sandbox", adminKey: "sk-admin-demo-hooli" },
    ],
  },
];

export async function seedDemoData(
  db: Database,
  options: { sandboxUrl: string; secrets: SecretBox },
): Promise<void> {
  const baseUrl = `${options.sandboxUrl}/openai`;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("tenants")
      .values(
        demoTenants.map((tenant) => ({
          id: tenant.id,
          name: tenant.name,
          tier: tenant.tier,
          last_active_at:
            tenant.activeHoursAgo === null ? null : new Date(Date.now() - tenant.activeHoursAgo * 3_600_000),
        })),
      )
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    await trx
      .insertInto("connections")
      .values(
        demoTenants.flatMap((tenant) =>
          tenant.connections.map((connection) => ({
            id: connection.id,
            tenant_id: tenant.id,
            provider: "openai",
            name: connection.name,
            base_url: baseUrl,
            credentials_encrypted: options.secrets.seal(JSON.stringify({ adminKey: connection.adminKey })),
          })),
        ),
      )
      // The sandbox may listen on another port than last time.
      .onConflict((oc) => oc.column("id").doUpdateSet({ base_url: baseUrl, updated_at: sql`now()` }))
      .execute();
  });
}
