/**
 * S5: the deployment's Stripe subscriptions, copied onto the quota accounts they name (status,
 * period end, ids). One target, hourly.
 */
import { createStripeClient, type StripeClient, type SubscriptionSummary } from "@synchub/connectors/stripe";
import { applySubscriptionStates, type Database, type SubscriptionState } from "@synchub/db";
import { sql } from "kysely";
import { defineKind } from "../engine/kinds.ts";

/** The target of the account configured by STRIPE_SECRET_KEY (migration 0018). */
export const STRIPE_ACCOUNT_TARGET_ID = "00000000-0000-4000-8000-000000005e01";

export const stripeSubscriptions = defineKind<StripeClient | null, SubscriptionState>({
  id: "stripe.subscriptions",

  load(ctx, _target, io) {
    if (!ctx.stripe) return null;
    return createStripeClient({
      secretKey: ctx.stripe.secretKey,
      ...(ctx.stripe.baseUrl === undefined ? {} : { baseUrl: ctx.stripe.baseUrl }),
      beforeRequest: io.beforeRequest,
    });
  },

  async run(client, io) {
    if (!client) {
      io.notice("STRIPE_SECRET_KEY is not set: nothing to sync");
      return;
    }
    // Every page first, then one write: a user's subscriptions may sit on different pages, and
    // the one that matters most (active before past_due, then the latest period) must win; a
    // listing that fails halfway changes nothing.
    const states: SubscriptionState[] = [];
    let withoutUserRef = 0;
    for await (const page of client.subscriptionPages({ signal: io.signal })) {
      for (const subscription of page) {
        if (subscription.userRef === null) withoutUserRef++;
        else states.push(withUserRef(subscription));
      }
    }
    if (withoutUserRef > 0) {
      io.notice(`${withoutUserRef} subscription(s) have no metadata.user_ref and name no account`);
    }
    await io.write(states);
  },

  async write(trx, _client, states) {
    const { matched } = await applySubscriptionStates(trx, states);
    return { inserted: 0, updated: matched };
  },
});

function withUserRef(subscription: SubscriptionSummary): SubscriptionState {
  return { ...subscription, userRef: subscription.userRef! };
}

/**
 * Called by every worker at start: the Stripe account's target runs only where a worker has a
 * key. With one it is resumed (due now if it was paused for lack of a key); without, paused with
 * the reason, so health does not count a sync that cannot run. An operator's own pause is kept.
 */
export async function applyStripeConfiguration(db: Database, configured: boolean): Promise<void> {
  const missingKey = "STRIPE_SECRET_KEY is not set";
  await sql`
    update synchub.sync_targets
    set status = ${configured ? "active" : "paused"},
        paused_reason = ${configured ? null : missingKey},
        next_sync_at = case when ${configured} and status = 'paused' then now() else next_sync_at end,
        updated_at = now()
    where id = ${STRIPE_ACCOUNT_TARGET_ID}
      and (status = 'active' or paused_reason = ${missingKey})`.execute(db);
}
