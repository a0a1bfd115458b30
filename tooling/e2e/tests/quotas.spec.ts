import { expect, test } from "@playwright/test";
import { logInAsAdmin } from "./console.ts";

test("an operator resets a user's quota counters from the Credits & quotas page, and the audit log records it", async ({
  page,
}) => {
  await logInAsAdmin(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Credits & quotas" }).click();

  // The demo seeds user_ada at 85 % of her monthly AI requests.
  const nearLimit = page.getByRole("table", { name: "Quotas: users near their limit" });
  const ada = nearLimit.getByRole("row").filter({ hasText: "user_ada" });
  await expect(ada).toContainText("85 / 100");

  await ada.getByRole("button", { name: "Reset: user_ada" }).click();
  await ada.getByRole("button", { name: "Reset counters" }).click();
  await expect(page.getByText("Nobody is near a limit")).toBeVisible();

  await nav.getByRole("link", { name: "Audit log" }).click();
  const entry = page.getByRole("row").filter({ hasText: "quota.reset" });
  await expect(entry.first()).toContainText("user_ada");
  await expect(entry.first()).toContainText("admin");
});
