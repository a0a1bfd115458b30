import { expect, test } from "@playwright/test";
import { logIn, logInAsAdmin } from "./console.ts";
import { adminPassword } from "./stack.ts";

test("an admin filters the audit log to login events and sees a failed attempt with its address", async ({
  page,
}) => {
  await logIn(page, "not-the-password");
  await expect(page.getByText("Wrong username or password")).toBeVisible();
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Log in" }).click();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Action").fill("auth.");
  const rows = page.getByRole("table").getByRole("row");
  const failed = rows.filter({ hasText: "auth.login_failed" }).first();
  await expect(failed).toContainText('"address": "127.0.0.1"');
  await expect(page.getByRole("cell", { name: "auth.login", exact: true }).first()).toBeVisible();
  // Only login events are listed.
  for (const action of await page.getByRole("table").locator("tbody td:nth-child(3)").allTextContents()) {
    expect(action).toMatch(/^auth\./);
  }
  if (process.env.SYNCHUB_E2E_SCREENSHOTS) {
    await page.screenshot({ path: `${process.env.SYNCHUB_E2E_SCREENSHOTS}/audit-1440.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${process.env.SYNCHUB_E2E_SCREENSHOTS}/audit-390.png`, fullPage: true });
  }
});

test("an admin reaches the last of more than a page of audit entries with Load more", async ({
  page,
  request,
  baseURL,
}) => {
  // A hundred and one logins through the API: more than one page (100) of auth.login entries.
  for (let i = 0; i < 101; i++) {
    const response = await request.post("/trpc/auth.login", {
      data: { json: { username: "admin", password: adminPassword } },
      // The first login leaves a session cookie: a later call must say it comes from the console.
      headers: { origin: baseURL! },
    });
    expect(response.status()).toBe(200);
  }
  await logInAsAdmin(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  // The newest hundred entries are those logins anyway: wait for the filtered answer itself.
  const filtered = page.waitForResponse(
    (response) =>
      response.url().includes("audit.list") &&
      decodeURIComponent(response.url()).includes('"action":"auth.login"'),
  );
  await page.getByLabel("Action").fill("auth.login");
  await filtered;

  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows).toHaveCount(100);
  await expect(page.getByText("100 entries shown")).toBeVisible();
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByText(/^\d+ entries shown, all of them$/)).toBeVisible();
  const total = await rows.count();
  expect(total).toBeGreaterThanOrEqual(102);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  const actions = await page.getByRole("table").locator("tbody td:nth-child(3)").allTextContents();
  expect(actions.every((action) => action === "auth.login")).toBe(true);
});
