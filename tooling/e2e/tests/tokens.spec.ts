import { expect, test } from "@playwright/test";
import { logInAsAdmin } from "./console.ts";

test("an admin creates a token scoped to quotas.consume, after a typo in the procedure is named", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();

  const form = page.getByRole("form", { name: "Create a token" });
  await form.getByLabel("Name (which service uses it)").fill("billing-service");
  await form.getByRole("button", { name: "Add a procedure" }).click();
  const scope = form.getByLabel("Procedure 1", { exact: true });
  // The schema names a malformed procedure before anything is sent.
  await scope.fill("quotas consume");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.getByText('A procedure is named like "quotas.consume"')).toBeVisible();
  await scope.fill("quotas.consum");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.getByText("There is no procedure quotas.consum")).toBeVisible();
  await expect(scope).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: "/tmp/admin-tokens-error.png", fullPage: true });

  await scope.fill("quotas.consume");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText(/Token “billing-service” created/)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "billing-service" })).toContainText(
    "only quotas.consume",
  );
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/admin-tokens-phone.png", fullPage: true });
});
