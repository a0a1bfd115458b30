import { expect, test } from "@playwright/test";
import { logInAsAdmin, lookAt } from "../console.ts";

test("Schedules: filter in the URL, edit with every cron problem named, run now and see the run in the ledger", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto("/#/schedules");
  await expect(page.getByRole("heading", { name: "Schedules" })).toBeVisible();
  await expect(page).toHaveTitle("Schedules · synchub");
  const table = page.getByRole("table", { name: "Schedules" });
  await expect(table.getByRole("link", { name: "runs.rollup" })).toBeVisible();
  await lookAt(page, "schedules");

  await page.getByLabel("Schedule status").selectOption("enabled");
  await expect(page).toHaveURL(/status=enabled/);
  await page.reload();
  await expect(page.getByLabel("Schedule status")).toHaveValue("enabled");
  await expect(table.getByRole("link", { name: "runs.rollup" })).toBeVisible();
  // Schedules are few: one page holds them all.
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  await table.getByRole("link", { name: "runs.rollup" }).click();
  await expect(page.getByRole("heading", { name: "runs.rollup" })).toBeVisible();
  await expect(page).toHaveTitle("Schedule runs.rollup · synchub");

  // The cron field names every problem, each with its field, before anything is sent.
  const cron = page.getByLabel("Cron (minute hour day month weekday)");
  await cron.fill("61 * * * funday");
  await cron.blur();
  await expect(page.getByText('The minute field "61": 61 is outside 0–59')).toBeVisible();
  await expect(page.getByText(/The day-of-week field "funday"/)).toBeVisible();
  await expect(page.getByText("Fix the highlighted field to see the next runs.")).toBeVisible();
  await lookAt(page, "schedule-cron-problems");

  // A good expression previews its next runs; saving it says so.
  await cron.fill("*/10 * * * *");
  await expect(page.getByText('The minute field "61": 61 is outside 0–59')).toHaveCount(0);
  await expect(page.locator(".preview li").first()).toBeVisible();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved: the next tick follows the new settings.")).toBeVisible();
  await expect(page.locator(".facts").getByText("*/10 * * * *")).toBeVisible();

  // Run now writes a manual occurrence; its run's outcome and duration show in the ledger.
  await page.getByRole("button", { name: "Run now: runs.rollup" }).click();
  await expect(page.getByText(/Run queued|Already queued this second/)).toBeVisible();
  const ledger = page.getByRole("table", { name: "Occurrence ledger" });
  const manual = ledger.locator("tbody tr").filter({ hasText: "manual" }).first();
  await expect(manual).toBeVisible();
  await expect(manual.getByRole("link", { name: /Run \d+ details/ })).toBeVisible({ timeout: 30_000 });
  await expect(manual.getByText("succeeded", { exact: true })).toBeVisible({ timeout: 30_000 });
  await lookAt(page, "schedule-detail");
  await manual.getByRole("link", { name: /Run \d+ details/ }).click();
  await expect(page.getByRole("heading", { name: /^Run #\d+$/ })).toBeVisible();
});
