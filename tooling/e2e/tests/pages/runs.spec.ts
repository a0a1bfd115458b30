import { expect, test } from "@playwright/test";
import { loadEverything, logInAsAdmin, lookAt } from "../console.ts";

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
  await loadEverything(page);

  await table
    .getByRole("link", { name: /Run \d+ details/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { name: /^Run #\d+$/ })).toBeVisible();
  await expect(page).toHaveTitle(/^Run #\d+ · synchub$/);
  await lookAt(page, "run-detail");
});

test("Runs: kind, task, trigger and time range filters live in the URL; a sync run lists its HTTP calls", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto("/#/runs");
  const table = page.getByRole("table", { name: "Runs" });
  await expect(table.getByRole("link", { name: /Run \d+ details/ }).first()).toBeVisible();

  // The options come from the server (runs.filterOptions): the demo's syncs are of kind llm.costs.
  await expect(page.getByLabel("Kind").locator("option", { hasText: "llm.costs" })).toHaveCount(1);
  await page.getByLabel("Kind").selectOption("llm.costs");
  await page.getByLabel("Task").selectOption("sync.target");
  await page.getByLabel("Trigger").selectOption("created");
  await page.getByLabel("Time range").selectOption("24h");
  await expect(page).toHaveURL(/kind=llm\.costs/);
  await expect(page).toHaveURL(/task=sync\.target/);
  await expect(page).toHaveURL(/trigger=created/);
  await expect(page).toHaveURL(/range=24h/);
  await page.reload();
  await expect(page.getByLabel("Kind")).toHaveValue("llm.costs");
  await expect(page.getByLabel("Task")).toHaveValue("sync.target");
  await expect(page.getByLabel("Trigger")).toHaveValue("created");
  await expect(page.getByLabel("Time range")).toHaveValue("24h");
  await expect(table.getByRole("link", { name: /Run \d+ details/ }).first()).toBeVisible();
  for (const trigger of await table
    .getByRole("cell", { name: /^(schedule|manual|replay|sql|created)$/ })
    .all()) {
    await expect(trigger).toHaveText("created");
  }

  // A range that ends before it starts is answered under the field that is wrong.
  await page.getByLabel("Time range").selectOption("custom");
  await page.getByLabel("From").fill("2026-01-02T00:00");
  await page.getByLabel("To").fill("2026-01-01T00:00");
  await expect(page).toHaveURL(/to=2026-01-01T00%3A00|to=2026-01-01T00:00/);
  await expect(page.getByText("The end of the range is before its start")).toBeVisible();
  await lookAt(page, "runs-filtered");

  // All time again: a succeeded sync's detail lists the HTTP calls its connector made.
  await page.getByLabel("Time range").selectOption("");
  await page.getByLabel("Trigger").selectOption("");
  await page.getByLabel("Run status").selectOption("succeeded");
  await table
    .getByRole("link", { name: /Run \d+ details/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { name: /^Run #\d+$/ })).toBeVisible();
  const calls = page.getByRole("table", { name: "HTTP calls" });
  await expect(calls.getByText(/^(GET|POST)$/).first()).toBeVisible();
  await expect(calls.getByText(/^[1-5]\d\d$/).first()).toBeVisible();
  // The path keeps query names, never their values ("?start_time=…&limit=…").
  for (const cell of await calls.locator("td code").all()) {
    await expect(cell).not.toHaveText(/=[^…&\s]/);
  }
  await lookAt(page, "run-detail-http-calls");

  // The run links to its target and back to the target's runs.
  await page.getByRole("link", { name: "Runs of this target" }).click();
  await expect(page).toHaveURL(/connection=/);
  await expect(page.getByLabel("Show runs of all connections")).toBeVisible();
});

test("an unknown address shows a 404 page, not another page", async ({ page }) => {
  await logInAsAdmin(page);
  await page.goto("/#/no-such-page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle("Page not found · synchub");
  await page.getByRole("link", { name: "Go to the Overview" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
});
