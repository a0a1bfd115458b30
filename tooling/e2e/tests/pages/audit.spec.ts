import { expect, test } from "@playwright/test";
import { loadEverything, logInAsAdmin, lookAt } from "../console.ts";

test("Audit log: filters live in the URL, page to the end, narrow to an actor from a row", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto("/#/audit");
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page).toHaveTitle("Audit log · synchub");
  const table = page.getByRole("table", { name: "Audit log entries" });
  await expect(table.getByText("auth.login", { exact: true }).first()).toBeVisible();
  await lookAt(page, "audit");

  // A filter is written to the URL and survives a reload.
  await page.getByLabel("Action").fill("auth.");
  await expect(page).toHaveURL(/action=auth\./);
  await page.reload();
  await expect(page.getByLabel("Action")).toHaveValue("auth.");
  for (const action of await table.locator("tbody td:nth-child(3)").allTextContents()) {
    expect(action).toMatch(/^auth\./);
  }

  // Every entry is reachable: Load more until the list says it shows all of them.
  await loadEverything(page);

  // A row's actor narrows the list to that actor.
  await page.getByLabel("Action").fill("");
  await table.getByRole("button", { name: "admin", exact: true }).first().click();
  await expect(page).toHaveURL(/actor=admin/);
  await expect(page.getByLabel("Actor")).toHaveValue("admin");
  for (const actor of await table.locator("tbody td:nth-child(2)").allTextContents()) {
    expect(actor).toBe("admin");
  }
  await lookAt(page, "audit-filtered");
});
