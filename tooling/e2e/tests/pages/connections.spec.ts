import { expect, type Page, test } from "@playwright/test";
import { loadEverything, logInAsAdmin, lookAt } from "../console.ts";

/** The detail page of a demo connection, found through the list's search. */
async function openConnection(page: Page, name: string): Promise<void> {
  await page.goto(`/#/connections?search=${encodeURIComponent(JSON.stringify(name))}`);
  await page.getByRole("table", { name: "Connections" }).getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
}

test("Connections: filters in the URL, page to the end, add a connection with its checks", async ({
  page,
}) => {
  const project = test.info().project.name;
  await logInAsAdmin(page);
  await page.goto("/#/connections");
  const table = page.getByRole("table", { name: "Connections" });
  await expect(table.getByRole("link", { name: "Acme production", exact: true })).toBeVisible();
  await expect(page).toHaveTitle("Connections · synchub");
  await lookAt(page, "connections");

  // Filters live in the URL and survive a reload.
  const filters = page.getByRole("search");
  await filters.getByLabel("Provider").selectOption("openai");
  await expect(page).toHaveURL(/provider=openai/);
  await expect(table.getByRole("link", { name: "Globex routing", exact: true })).toHaveCount(0);
  await expect(table.getByRole("link", { name: "Acme production", exact: true })).toBeVisible();
  await filters.getByLabel("Search").fill("Globex");
  await expect(page).toHaveURL(/search=.*Globex/);
  await expect(table.getByRole("link", { name: "Acme production", exact: true })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("search").getByLabel("Provider")).toHaveValue("openai");
  await expect(page.getByRole("search").getByLabel("Search")).toHaveValue("Globex");
  await expect(table.getByRole("link", { name: "Globex main", exact: true })).toBeVisible();
  await lookAt(page, "connections-filtered");

  // A summary tile narrows the list to what it counts.
  await page.goto("/#/connections");
  await page.getByRole("link", { name: /failed: show them/ }).click();
  await expect(page).toHaveURL(/syncStatus=failed/);
  await expect(page.getByRole("search").getByLabel("Sync status")).toHaveValue("failed");

  // Every connection is reachable: Load more until the list says it shows all of them.
  await page.goto("/#/connections");
  await expect(table.getByRole("link", { name: "Acme production", exact: true })).toBeVisible();
  await loadEverything(page);

  // The new-connection form checks its fields before it sends anything.
  await page.getByRole("button", { name: "Add a connection" }).click();
  const form = page.getByRole("form", { name: "New connection" });
  await form.getByLabel("Base URL").fill("ftp://nowhere");
  await form.getByRole("button", { name: "Create connection" }).click();
  await expect(form.getByText("Enter a name")).toBeVisible();
  await expect(form.getByRole("alert").filter({ hasText: "Pick a tenant" })).toBeVisible();
  await expect(form.getByText("Enter a valid URL starting with http:// or https://")).toBeVisible();
  await lookAt(page, "connections-new-invalid");

  // A real one, pointed at the sandbox the demo's openrouter connection uses, with the demo's key.
  await openConnection(page, "Globex routing");
  const baseUrl = (await page.locator(".fact", { hasText: "Base URL" }).locator("dd").textContent()) ?? "";
  expect(baseUrl).toMatch(/^http/);
  await page.goto("/#/connections");
  await page.getByRole("button", { name: "Add a connection" }).click();
  const name = `E2E routing ${project}`;
  await form.getByLabel("Tenant").selectOption({ label: "Globex" });
  await form.getByLabel("Provider").selectOption("openrouter");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Base URL").fill(baseUrl);
  await form.getByRole("button", { name: "Create connection" }).click();
  await expect(form.getByText("OpenRouter management API key is required")).toBeVisible();
  await form.getByLabel("API key").fill("sk-or-v1-demo-globex-routing");
  await form.getByRole("button", { name: "Create connection" }).click();
  await expect(page.getByText(`Created ${name}; its first sync is queued.`)).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveValue("");
  // The form starts over (provider and all): no secret stays in it.
  await expect(form.getByLabel("Provider")).toHaveValue("openai");
  await expect(form.getByLabel("Admin key")).toHaveValue("");
  await lookAt(page, "connections-created");
  await table.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
});

test("Connection detail: facts, chart and runs; pause with a reason, resume, rename, tier and write-only credentials", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await openConnection(page, "Globex routing");
  await expect(page).toHaveTitle("Globex / Globex routing · synchub");
  const facts = page.locator("dl.facts");
  await expect(facts).toContainText("Globex");
  await expect(facts).toContainText("openrouter");
  await expect(facts).toContainText(/every \d/);
  await expect(page.getByRole("heading", { name: "Synced cost per day" })).toBeVisible();
  // The chart loads after the facts (recharts is split off): wait for it, or for its empty note.
  await expect(
    page
      .getByRole("figure", { name: "Synced cost per day" })
      .locator("svg.recharts-surface, .chart-empty")
      .first(),
  ).toBeVisible();
  await expect(page.getByRole("table", { name: "Recent runs" }).getByRole("link").first()).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByRole("region", { name: "Error history" })).toBeVisible();
  await lookAt(page, "connection-detail");

  // Every run of the connection is reachable.
  const runs = page.getByRole("region", { name: "Recent runs" });
  await loadEverything(page, runs);

  // Pause with a reason: the reason shows on the connection; resume.
  await page.getByRole("button", { name: "Pause…" }).click();
  await page.getByLabel("Reason for pausing").fill("tenant asked for a pause");
  await page.getByRole("button", { name: "Pause connection" }).click();
  await expect(page.getByText("Paused: no sync runs until it is resumed")).toBeVisible();
  await expect(facts).toContainText("tenant asked for a pause");
  await expect(facts).toContainText("paused by a person");
  await lookAt(page, "connection-paused");
  await page.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(page.getByText("Resumed: it syncs again, starting now")).toBeVisible();

  // Rename: a blank name is refused under the field; then renamed and back.
  const rename = page.getByRole("form", { name: "Rename the connection" });
  await rename.getByLabel("Name").fill("   ");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect(rename.getByText("Enter a name")).toBeVisible();
  await rename.getByLabel("Name").fill("Globex routing (renamed)");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByText("Renamed to “Globex routing (renamed)”")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Globex routing (renamed)", level: 1 })).toBeVisible();
  await rename.getByLabel("Name").fill("Globex routing");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("heading", { name: "Globex routing", level: 1 })).toBeVisible();

  // The tier is the tenant's: the form says so, and the outcome names the new interval.
  const tier = page.getByRole("form", { name: "Change the tenant's tier" });
  await expect(tier.getByText("Changes every connection of Globex, not only this one.")).toBeVisible();
  await tier.getByRole("button", { name: "Change tier" }).click();
  await expect(page.getByText(/^Globex is now pro: each of its connections syncs every/)).toBeVisible();

  // Credentials are write-only: empty fields, the provider's own message, cleared after success.
  const rotate = page.getByRole("form", { name: "Rotate credentials" });
  await expect(page.getByText("the stored one is never shown")).toBeVisible();
  await expect(rotate.getByLabel("API key")).toHaveValue("");
  await rotate.getByRole("button", { name: "Replace credentials" }).click();
  await expect(rotate.getByText("OpenRouter management API key is required")).toBeVisible();
  await rotate.getByLabel("API key").fill("sk-or-v1-demo-globex-routing");
  await rotate.getByRole("button", { name: "Replace credentials" }).click();
  await expect(page.getByText(/^Credentials replaced: the old ones are gone/)).toBeVisible();
  await expect(rotate.getByLabel("API key")).toHaveValue("");

  await page.getByRole("button", { name: "Sync now: Globex / Globex routing" }).click();
  await expect(page.getByText("Sync queued")).toBeVisible();
  await lookAt(page, "connection-actions");
});

test("an unknown connection id says so instead of showing an empty page", async ({ page }) => {
  await logInAsAdmin(page);
  await page.goto("/#/connections/00000000-0000-4000-8000-999999999999");
  await expect(page.getByRole("heading", { name: "Connection not found" })).toBeVisible();
  await expect(page.getByText("No connection has this id")).toBeVisible();
  await page.goto("/#/connections/not-a-uuid");
  await expect(page.getByText("No connection has this id")).toBeVisible();
  await lookAt(page, "connection-not-found");
  await page.getByRole("link", { name: "← All connections" }).click();
  await expect(page.getByRole("heading", { name: "Connections", level: 1 })).toBeVisible();
});
