/**
 * Demo data for `pnpm dev` and the browser tests: a few tenants of each tier with connections to
 * all four providers pointing at the provider sandbox, one with a revoked key to show a failure;
 * credit subscriptions and quota accounts for three host-app users, one at 85 % of a limit.
 * Idempotent: fixed ids, so a second run only refreshes the sandbox URL.
 */
import { subscriptionStatusSchema } from "@synchub/connectors/stripe";
import type { Database } from "@synchub/db";
import type { SecretBox, Tier } from "@synchub/domain";
import { sandboxVolcengineSecretFor, stripeSubscriptions } from "@synchub/sandbox";
import { sql } from "kysely";

interface DemoConnection {
  id: string;
  name: string;
  provider: "openai" | "anthropic" | "openrouter" | "volcengine";
  credentials: Record<string, string>;
}

interface DemoTenant {
  id: string;
  name: string;
  tier: Tier;
  activeHoursAgo: number | null;
  connections: DemoConnection[];
}

const openai = (id: string, name: string, adminKey: string): DemoConnection => ({
  id,
  name,
  provider: "openai",
  credentials: { adminKey },
});

const demoTenants: DemoTenant[] = [
  {
    id: "00000000-0000-4000-8000-000000000001",
    name: "Acme Corp",
    tier: "enterprise",
    activeHoursAgo: 1,
    connections: [
      openai("00000000-0000-4000-8000-000000000101", "Acme production", "sk-admin-demo-acme-prod"),
      {
        id: "00000000-0000-4000-8000-000000000102",
        name: "Acme research",
        provider: "anthropic",
        credentials: { adminKey: "sk-ant-admin01-demo-acme-research" },
      },
    ],
  },
  {
    id: "00000000-0000-4000-8000-000000000002",
    name: "Globex",
    tier: "pro",
    activeHoursAgo: 5,
    connections: [
      openai("00000000-0000-4000-8000-000000000201", "Globex main", "sk-admin-demo-globex"),
      {
        id: "00000000-0000-4000-8000-000000000202",
        name: "Globex routing",
        provider: "openrouter",
        credentials: { apiKey: "sk-or-v1-demo-globex-routing" },
      },
    ],
  },
  {
    id: "00000000-0000-4000-8000-000000000003",
    name: "Initech",
    tier: "pro",
    activeHoursAgo: 30,
    // Revoked on purpose: the sandbox answers 401, so the admin shows a permanent failure,
    // a dead letter, and after three tries a paused connection.
    connections: [
      openai("00000000-0000-4000-8000-000000000301", "Initech legacy", "sk-admin-revoked-initech"),
    ],
  },
  {
    id: "00000000-0000-4000-8000-000000000004",
    name: "Hooli",
    tier: "free",
    activeHoursAgo: null,
    connections: [
      openai("00000000-0000-4000-8000-000000000401", "Hooli sandbox", "sk-admin-demo-hooli"),
      {
        id: "00000000-0000-4000-8000-000000000402",
        name: "Hooli cloud bill",
        provider: "volcengine",
        credentials: {
          accessKeyId: "AKLTdemohooli01",
          secretAccessKey: sandboxVolcengineSecretFor("AKLTdemohooli01"),
        },
      },
    ],
  },
];

/** The key `pnpm dev` gives the worker for the Stripe sandbox (tooling/dev/src/dev.ts). */
const devStripeKey = "sk_test_synchub_dev";

interface DemoQuotaUser {
  userRef: string;
  plan: "free" | "pro" | "studio";
  monthlyCredits: number;
  subscriptionId: string;
  uploads: number;
  aiRequests: number;
  storageBytes: number;
  alertLevel: "warning" | "critical" | null;
}

const gib = 1024 ** 3;

// Limits (db/migrations/0007_quotas.sql): free 10 uploads a day, 100 AI requests a month, 1 GiB;
// pro 200, 5 000, 100 GiB; studio 2 000, 50 000, 1 TiB.
const demoQuotaUsers: DemoQuotaUser[] = [
  {
    userRef: "user_ada",
    plan: "free",
    monthlyCredits: 100,
    subscriptionId: "00000000-0000-4000-8000-00000000c001",
    uploads: 3,
    // 85 % of the free plan's monthly AI requests: listed under "users near their limit".
    aiRequests: 85,
    storageBytes: Math.round(0.2 * gib),
    alertLevel: "warning",
  },
  {
    userRef: "user_grace",
    plan: "pro",
    monthlyCredits: 1_000,
    subscriptionId: "00000000-0000-4000-8000-00000000c002",
    uploads: 90,
    aiRequests: 1_200,
    storageBytes: 12 * gib,
    alertLevel: null,
  },
  {
    userRef: "user_linus",
    plan: "studio",
    monthlyCredits: 5_000,
    subscriptionId: "00000000-0000-4000-8000-00000000c003",
    uploads: 400,
    aiRequests: 9_000,
    storageBytes: 300 * gib,
    alertLevel: null,
  },
];

const specPacingMs = { openai: 10_000, anthropic: 10_000, openrouter: 5_000, volcengine: 10_000 };

export async function seedDemoData(
  db: Database,
  options: { sandboxUrl: string; secrets: SecretBox },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // The sandbox paces at a thousandth of the providers' real limits (10 ms instead of 10 s);
    // pace our calls at a hundredth, so the demo syncs in seconds and still shows real pacing.
    // Only rows still at SPEC's defaults are rescaled: an operator's own setting is kept.
    for (const [provider, specMs] of Object.entries(specPacingMs)) {
      await trx
        .updateTable("pools")
        .set({ min_interval_ms: specMs / 100 })
        .where("name", "=", provider)
        .where("min_interval_ms", "=", specMs)
        .execute();
    }
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
            provider: connection.provider,
            name: connection.name,
            base_url: `${options.sandboxUrl}/${connection.provider}`,
            credentials_encrypted: options.secrets.seal(
              JSON.stringify(connection.credentials),
              connection.id,
            ),
          })),
        ),
      )
      // Demo rows are ours: refresh them (the sandbox may listen on another port than last time).
      .onConflict((oc) =>
        oc.column("id").doUpdateSet((eb) => ({
          provider: eb.ref("excluded.provider"),
          name: eb.ref("excluded.name"),
          base_url: eb.ref("excluded.base_url"),
          credentials_encrypted: eb.ref("excluded.credentials_encrypted"),
          updated_at: sql`now()`,
        })),
      )
      .execute();

    // S4/S5 demo: credit subscriptions and quota accounts. Counters are only set when the row is
    // new; after that the reset jobs and consumers own them.
    await trx
      .insertInto("subscriptions")
      .values(
        demoQuotaUsers.map((user) => ({
          id: user.subscriptionId,
          user_ref: user.userRef,
          plan: user.plan,
          monthly_credits: user.monthlyCredits,
        })),
      )
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    // One account carries the id the Stripe sandbox lists first for the dev key, so the
    // subscription columns have something real-looking to show.
    const stripe = stripeSubscriptions(devStripeKey)[0];
    await trx
      .insertInto("quota_accounts")
      .values(
        demoQuotaUsers.map((user, i) => ({
          user_ref: user.userRef,
          plan_id: user.plan,
          uploads_used_today: user.uploads,
          ai_requests_used_month: user.aiRequests,
          storage_bytes_used: user.storageBytes,
          alert_level: user.alertLevel,
          ...(i === 0 && stripe
            ? {
                stripe_subscription_id: stripe.id,
                stripe_customer_id: stripe.customer,
                // Statuses Stripe adds later are kept as "unknown" with the raw value, as the sync does.
                subscription_status: subscriptionStatusSchema.safeParse(stripe.status).data ?? "unknown",
                subscription_status_raw: stripe.status,
                subscription_period_end: new Date(stripe.current_period_end * 1000),
              }
            : {}),
        })),
      )
      .onConflict((oc) => oc.column("user_ref").doNothing())
      .execute();
  });
}
