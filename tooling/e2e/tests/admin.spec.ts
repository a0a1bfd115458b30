import { expect, test } from "@playwright/test";
import { cellText, logIn } from "./console.ts";
import { adminPassword } from "./stack.ts";

test("an operator logs in, sees the demo connections, presses Sync now and sees the run finish", async ({
  page,
}) => {
  await logIn(page, adminPassword);

  // The overview is the landing page; the connections are one click away.
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connections" }).click();
  await expect(page.getByRole("heading", { name: "Connections" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveText("admin");
  const connections = page.getByRole("table", { name: "Connections" });
  const rows = connections.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(3);
  await expect(connections.getByRole("cell", { name: "Acme Corp", exact: true }).first()).toBeVisible();
  await expect(connections.getByRole("cell", { name: "openai", exact: true }).first()).toBeVisible();
  await page.screenshot({ path: "/tmp/admin-connections.png", fullPage: true });

  // The first active connection that is healthy or waiting for its first sync.
  let target: { tenant: string; name: string; provider: string } | null = null;
  for (const row of await rows.all()) {
    const status = await cellText(connections, row, "Status");
    const syncStatus = await cellText(connections, row, "Sync status");
    if (status.startsWith("active") && /^(ok|pending)\b/.test(syncStatus)) {
      target = {
        tenant: await cellText(connections, row, "Tenant"),
        name: await cellText(connections, row, "Name"),
        provider: await cellText(connections, row, "Provider"),
      };
      break;
    }
  }
  expect(target, "an active connection with sync status ok or pending").not.toBeNull();
  const { tenant, name, provider } = target!;

  await page.getByRole("button", { name: `Sync now: ${tenant} / ${name}`, exact: true }).click();
  await expect(page.getByText("Sync queued")).toBeVisible();

  // No reload from here on: the runs table refreshes itself while the worker syncs.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs" }).click();
  await expect(page.getByRole("heading", { name: "Runs" })).toBeVisible();
  const runs = page.getByRole("table", { name: "Runs" });
  const manualRuns = runs
    .locator("tbody tr")
    .filter({ has: page.getByText(name, { exact: true }) })
    .filter({ has: page.getByText(`${tenant} · ${provider}`, { exact: true }) })
    .filter({ has: page.getByRole("cell", { name: "manual", exact: true }) });
  await expect(manualRuns.first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: "/tmp/admin-runs-started.png", fullPage: true });

  const succeeded = manualRuns.filter({ has: page.getByText("succeeded", { exact: true }) }).first();
  await expect(succeeded).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: "/tmp/admin-runs.png", fullPage: true });

  // The run's detail page tells the same story.
  await succeeded.getByRole("link", { name: /^Run \d+ details$/ }).click();
  await expect(page.getByRole("heading", { name: /^Run #\d+$/ })).toBeVisible();
  await expect(page.getByText(`${tenant} / ${name}`)).toBeVisible();
  await expect(page.getByText("succeeded", { exact: true })).toBeVisible();
  await page.screenshot({ path: "/tmp/admin-run-detail.png", fullPage: true });

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to the admin" })).toBeVisible();
});

test("a wrong password shows an error and stays on the login page", async ({ page }) => {
  await logIn(page, "not-the-password");

  await expect(page.getByRole("alert")).toHaveText("Wrong username or password");
  await expect(page.getByRole("heading", { name: "Sign in to the admin" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Connections" })).toHaveCount(0);
  await page.screenshot({ path: "/tmp/admin-login-error.png", fullPage: true });
});
