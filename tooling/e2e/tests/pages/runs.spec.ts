import { expect, test } from "@playwright/test";
import { logInAsAdmin, lookAt } from "../console.ts";

test("Runs: filter by status in the URL, page to the end, open a run", async ({ page }) => {
  await logInAsAdmin(page);
  await page.goto("/#/runs");
  const table = page.getByRole("table", { name: "Runs" });
  await expect(table.getByRole("link", { name: /Run \d+ details/ }).first()).toBeVisible();
  await expect(page).toHaveTitle("Runs · synchub");
  await lookAt(page, "runs");

  // The demo seeds a connection with a revoked key: its first sync fails.
  await page.getByLabel("Run status").selectOption("failed");
  await expect(page).toHaveURL(/status=failed/);
  await expect(table.getByText("failed", { exact: true }).first()).toBeVisible();
  await expect(table.getByText("succeeded", { exact: true })).toHaveCount(0);

  // A filtered view survives a reload: the filter lives in the URL.
  await page.reload();
  await expect(page.getByLabel("Run status")).toHaveValue("failed");

  // Every run is reachable: Load more until the list says it shows all of them.
  await page.getByLabel("Run status").selectOption("");
  while (await page.getByRole("button", { name: "Load more" }).isVisible()) {
    await page.getByRole("button", { name: "Load more" }).click();
  }
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  await table
    .getByRole("link", { name: /Run \d+ details/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { name: /^Run #\d+$/ })).toBeVisible();
  await expect(page).toHaveTitle(/^Run #\d+ · synchub$/);
  await lookAt(page, "run-detail");
});

test("an unknown address shows a 404 page, not another page", async ({ page }) => {
  await logInAsAdmin(page);
  await page.goto("/#/no-such-page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle("Page not found · synchub");
  await page.getByRole("link", { name: "Go to the Overview" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
});
