import { expect, test } from "@playwright/test";
import { logInAsAdmin } from "./console.ts";

test("the demo's revoked key shows under Needs attention and makes /health/sync say Warning for its pool", async ({
  page,
}) => {
  await logInAsAdmin(page);

  // The list is computed on the server over all targets; the revoked key fails on its first sync.
  const attention = page.getByRole("table", { name: "Targets needing attention" });
  const revoked = attention.locator("tbody tr").filter({ hasText: "Initech / Initech legacy" });
  await expect(revoked).toHaveCount(1, { timeout: 90_000 });
  await expect(revoked).toContainText("openai · llm.costs");
  await expect(revoked).toContainText(/failing|paused after auth failures/);
  // Warning once another openai connection has succeeded (before that: Critical, nothing ever did).
  await expect(page.getByRole("listitem", { name: /^openai llm\.costs: Warning$/ })).toBeVisible({
    timeout: 90_000,
  });
  await page.screenshot({ path: "/tmp/admin-overview-attention.png", fullPage: true });

  const response = await page.request.get("/health/sync");
  const report = (await response.json()) as {
    pools: { pool: string; kind: string; status: string; reason: string; needsAttention: string[] }[];
  };
  const openai = report.pools.find((pool) => pool.pool === "openai" && pool.kind === "llm.costs");
  expect(openai?.status).toBe("Warning");
  expect(openai?.reason).toMatch(/failing|paused after authentication failures/);
  expect(openai?.needsAttention).toContain("00000000-0000-4000-8000-000000000301");

  // The same page on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(revoked).toBeVisible();
  await page.screenshot({ path: "/tmp/admin-overview-attention-phone.png", fullPage: true });
});
