import { expect, test } from "@playwright/test";
import { loadEverything, logInAsAdmin, lookAt } from "../console.ts";

test("Rate limits: page through the pacing keys, the open editor lives in the URL, the schema answers under its field, save", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto("/#/rate-limits");
  await expect(page.getByRole("heading", { name: "Rate limits" })).toBeVisible();
  await expect(page).toHaveTitle("Rate limits · synchub");
  const settings = page.getByRole("table", { name: "Provider settings" });
  await expect(settings.getByText("openai", { exact: true })).toBeVisible();
  await lookAt(page, "rate-limits");

  // Every pacing key is reachable: Load more until the list says it shows all of them.
  await loadEverything(page);

  // The provider being edited is in the URL: a reload keeps its form open.
  await page.getByRole("button", { name: "Edit: anthropic" }).click();
  await expect(page).toHaveURL(/edit=anthropic/);
  await page.reload();
  const form = page.getByRole("form", { name: "Settings of anthropic" });
  await expect(form).toBeVisible();

  // rateLimits.updateProvider's own schema answers before anything is sent.
  const concurrency = form.getByLabel("Max concurrency (syncs)");
  const before = await concurrency.inputValue();
  await concurrency.fill("0");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("At least one sync must be allowed at once")).toBeVisible();
  await expect(concurrency).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Hourly cap (calls)").fill("1.5");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Use a whole number")).toBeVisible();
  await lookAt(page, "rate-limits-invalid");

  await page.reload();
  const fresh = page.getByRole("form", { name: "Settings of anthropic" });
  await fresh.getByLabel("Max concurrency (syncs)").fill(before);
  await fresh.getByRole("button", { name: "Save" }).click();
  await expect(fresh.getByText(/^Saved:/)).toBeVisible();
  await lookAt(page, "rate-limits-saved");
});
