import { expect, type Page, test } from "@playwright/test";
import { loadEverything, logInAsAdmin, lookAt } from "../console.ts";

test("Dead letters: a permanent letter warns before replay, its target can be paused, filters live in the URL", async ({
  page,
  baseURL,
}) => {
  await logInAsAdmin(page);
  // Whatever ran before (this test at the other width, the engine's own pause after repeated 401s)
  // may have left the revoked key's connection paused: this test pauses it itself.
  await resumeInitech(page, baseURL!);
  await page.goto("/#/dead-letters");
  await expect(page.getByRole("heading", { name: "Dead letters" })).toBeVisible();
  await expect(page).toHaveTitle("Dead letters · synchub");
  // The demo seeds a connection with a revoked key: its first sync fails for good (a 401).
  const group = page
    .getByRole("article", { name: /^Dead letter group sync\.target/ })
    .filter({ hasText: "401 invalid_api_key" });
  await expect(group).toHaveCount(1, { timeout: 90_000 });
  await expect(group.getByText("permanent", { exact: true })).toBeVisible();
  await lookAt(page, "dead-letters");

  // The status filter lives in the URL and survives a reload.
  await page.getByLabel("Status").selectOption("open");
  await expect(page).toHaveURL(/status=open/);
  await page.reload();
  await expect(page.getByLabel("Status")).toHaveValue("open");
  const table = page.getByRole("table", { name: "Dead letters" });
  const row = table.locator("tbody tr").filter({ hasText: "Initech / Initech legacy" }).first();
  await expect(row).toBeVisible();
  await expect(row.getByText("permanent", { exact: true })).toBeVisible();

  // Replaying a permanent letter warns first, with a link to its target, and needs a confirmation.
  await row.getByRole("button", { name: /^Replay dead letter \d+$/ }).click();
  const warning = table.getByRole("alert").filter({ hasText: "The error is permanent" });
  await expect(warning).toContainText("replaying will fail again until you fix the cause");
  await expect(warning).toContainText("Fix the credentials first.");
  await expect(warning.getByRole("link", { name: "Initech legacy" })).toHaveAttribute(
    "href",
    /connections\/00000000-0000-4000-8000-000000000301/,
  );
  await expect(warning.getByRole("button", { name: "Replay anyway" })).toBeVisible();
  await lookAt(page, "dead-letters-permanent-warning");
  await warning.getByRole("button", { name: "Cancel" }).click();
  await expect(warning).toHaveCount(0);

  // Every letter is reachable: Load more until the list says it shows all of them.
  await page.getByLabel("Status").selectOption("any");
  await expect(page).toHaveURL(/status=any/);
  await expect(table).toBeVisible();
  await loadEverything(page);

  // Pause the letter's target from the letter: the reason is checked by the schema first.
  await page.getByLabel("Status").selectOption("open");
  const pause = row.getByRole("button", { name: /^Pause target of dead letter \d+$/ });
  await pause.click();
  const form = table.getByRole("form", { name: "Pause Initech legacy" });
  await form.getByLabel("Reason to pause Initech legacy (optional)").fill("x".repeat(501));
  await form.getByRole("button", { name: "Pause target" }).click();
  await expect(form.getByText("Use at most 500 characters")).toBeVisible();
  await form
    .getByLabel("Reason to pause Initech legacy (optional)")
    .fill("key revoked, waiting for a new one");
  await form.getByRole("button", { name: "Pause target" }).click();
  await expect(
    page.getByText("Paused Initech legacy: it syncs no more until someone resumes it."),
  ).toBeVisible();
  await expect(row.getByText("paused", { exact: true })).toBeVisible();
  await lookAt(page, "dead-letters-paused");

  // Resumed again (the connection page's work, done here through the API), so the test can run twice.
  await resumeInitech(page, baseURL!);
});

async function resumeInitech(page: Page, baseURL: string): Promise<void> {
  const resumed = await page.request.post("/trpc/connections.resume", {
    data: { json: { id: "00000000-0000-4000-8000-000000000301" } },
    headers: { origin: baseURL },
  });
  expect(resumed.status()).toBe(200);
}
