import { expect, test } from "@playwright/test";
import { adminPassword } from "./stack.ts";

test("an admin filters the audit log to login events and sees a failed attempt with its address", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();
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
