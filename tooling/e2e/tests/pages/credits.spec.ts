import { expect, test } from "@playwright/test";
import { logInAsAdmin, lookAt } from "../console.ts";

test("Credits & quotas: filters live in the URL, the threshold is checked by its schema, look up a user's quota", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto("/#/credits");
  await expect(page.getByRole("heading", { name: "Credits & quotas" })).toBeVisible();
  await expect(page).toHaveTitle("Credits & quotas · synchub");
  await expect(page.getByRole("heading", { name: "Grant history" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Expiry history" })).toBeVisible();
  await lookAt(page, "credits");

  // The task filter lives in the URL and survives a reload.
  await page.getByLabel("Credit runs").selectOption("credits.grant");
  await expect(page).toHaveURL(/task=credits\.grant/);
  await page.reload();
  await expect(page.getByLabel("Credit runs")).toHaveValue("credits.grant");
  await expect(page.getByRole("heading", { name: "Expiry history" })).toHaveCount(0);

  // The near-limit threshold is checked by quotas.nearLimit's schema, then kept in the URL.
  const threshold = page.getByRole("form", { name: "Near-limit threshold" });
  await threshold.getByLabel("Threshold (% of the limit)").fill("2000");
  await threshold.getByRole("button", { name: "Apply" }).click();
  await expect(threshold.getByText("Use at most 1,000")).toBeVisible();
  await threshold.getByLabel("Threshold (% of the limit)").fill("1");
  await threshold.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/threshold=1/);
  await page.reload();
  await expect(page.getByLabel("Threshold (% of the limit)")).toHaveValue("1");

  // Look up one user's quota: the user is in the URL too; an unknown one is said so.
  const lookup = page.getByRole("form", { name: "Look up a user's quota" });
  await lookup.getByRole("button", { name: "Look up" }).click();
  await expect(lookup.getByText("Enter a user reference")).toBeVisible();
  await lookup.getByLabel("User reference").fill("nobody_here");
  await lookup.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByText("No quota account for user nobody_here")).toBeVisible();
  await lookup.getByLabel("User reference").fill("user_ada");
  await lookup.getByRole("button", { name: "Look up" }).click();
  await expect(page).toHaveURL(/user=user_ada/);
  const quota = page.getByRole("region", { name: "Quota of user_ada" });
  await expect(quota.getByText("AI requests this month")).toBeVisible();

  // The lists are single answers (credits.runs, credits.balances and quotas.nearLimit do not page).
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await lookAt(page, "credits-filtered");
});
