import { expect, test } from "@playwright/test";
import { logInAsAdmin, lookAt } from "../console.ts";

test("Workers: the stack's worker is alive, with its beats refreshing live", async ({ page }) => {
  await logInAsAdmin(page);
  await page.goto("/#/workers");
  await expect(page.getByRole("heading", { name: "Workers" })).toBeVisible();
  await expect(page).toHaveTitle("Workers · synchub");
  const table = page.getByRole("table", { name: "Workers" });
  const alive = table.locator("tbody tr").filter({ has: page.getByText("alive", { exact: true }) });
  await expect(alive.first()).toBeVisible();
  await lookAt(page, "workers");

  // No reload: the last beat's time moves on by itself as heartbeats arrive.
  const beat = alive.first().locator("td").nth(4).locator("time");
  const first = await beat.getAttribute("datetime");
  await expect(beat).not.toHaveAttribute("datetime", first ?? "", { timeout: 60_000 });

  // The nav lists it next to Jobs (on phones the menu is folded away).
  if (test.info().project.name === "desktop") {
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Workers" })).toBeVisible();
    await nav.getByRole("link", { name: "Jobs" }).click();
    await expect(page.getByRole("heading", { name: "Jobs", exact: true })).toBeVisible();
  }
});
