import { expect, test } from "@playwright/test";
import { loadEverything, logInAsAdmin, lookAt } from "../console.ts";

test("Overview: a time range in the URL, tiles that open their lists, recent failures open their run", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await expect(page).toHaveTitle("Overview · synchub");
  const tiles = page.getByRole("list", { name: "Sync summary" });
  await expect(tiles.getByText("Failed runs, 24 h")).toBeVisible();
  await expect(page.getByRole("list", { name: "Pool health" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Queue depth" })).toBeVisible();

  // The demo's revoked key fails on its first sync: a recent failure that opens its run.
  const failures = page.getByRole("table", { name: "Recent failures" });
  await expect(failures.getByRole("link", { name: /Run \d+ details/ }).first()).toBeVisible({
    timeout: 90_000,
  });
  await expect(failures.getByRole("link", { name: "Initech / Initech legacy" }).first()).toBeVisible();
  await lookAt(page, "overview");

  // The range lives in the URL and survives a reload.
  await page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "7 d" }).click();
  await expect(page).toHaveURL(/range=7d/);
  await expect(tiles.getByText("Failed runs, 7 days")).toBeVisible();
  await expect(page.getByText("Succeeded and failed, per 6 hours, last 7 days")).toBeVisible();
  await page.reload();
  await expect(tiles.getByText("Failed runs, 7 days")).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "7 d" }),
  ).toHaveAttribute("aria-current", "page");
  await lookAt(page, "overview-7d");

  // Every target needing attention is reachable.
  const attention = page.getByRole("table", { name: "Targets needing attention" });
  await expect(attention.locator("tbody tr").first()).toBeVisible();
  await loadEverything(page);

  // Each tile opens the list it counts.
  await tiles.getByRole("link", { name: /Failing targets/ }).click();
  await expect(page).toHaveURL(/#\/connections\?syncStatus=failed/);
  await expect(page.getByRole("search").getByLabel("Sync status")).toHaveValue("failed");
  await page.goBack();
  await tiles.getByRole("link", { name: /Failed runs/ }).click();
  await expect(page).toHaveURL(/#\/runs\?.*status=failed/);
  await expect(page.getByLabel("Run status")).toHaveValue("failed");
  await page.goBack();
  await tiles.getByRole("link", { name: /Open dead letters/ }).click();
  await expect(page).toHaveURL(/#\/dead-letters/);
  await page.goBack();

  // A failure opens its run.
  await failures
    .getByRole("link", { name: /Run \d+ details/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { name: /^Run #\d+$/ })).toBeVisible();
  await expect(page.getByText("failed", { exact: true }).first()).toBeVisible();
});
