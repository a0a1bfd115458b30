import { expect, test } from "@playwright/test";
import { logInAsAdmin, lookAt } from "../console.ts";

test("API tokens: create one scoped to a procedure, revoke it, the status filter lives in the URL", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto("/#/tokens");
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await expect(page).toHaveTitle("API tokens · synchub");
  await lookAt(page, "tokens");

  const form = page.getByRole("form", { name: "Create a token" });
  const name = `svc-${test.info().project.name}-${Date.now().toString(36)}`;
  // A blank name is answered under the field by tokens.create's schema.
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.getByText("Enter a name")).toBeVisible();
  await form.getByLabel("Name (which service uses it)").fill(name);
  await form.getByRole("button", { name: "Add a procedure" }).click();
  await form.getByLabel("Procedure 1", { exact: true }).fill("quotas.status");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText(`Token “${name}” created`)).toBeVisible();
  await expect(page.getByTestId("new-token")).toHaveValue(/^shk_/);
  await lookAt(page, "tokens-created");
  await page.getByRole("button", { name: "I have stored it" }).click();

  const table = page.getByRole("table", { name: "Tokens" });
  const row = table.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("only quotas.status");
  await row.getByRole("button", { name: `Revoke: ${name}` }).click();
  await row.getByRole("button", { name: "Revoke now" }).click();
  await expect(row.getByText("revoked", { exact: true })).toBeVisible();

  // The status filter lives in the URL and survives a reload.
  await page.getByLabel("Token status").selectOption("active");
  await expect(page).toHaveURL(/status=active/);
  await page.reload();
  await expect(page.getByLabel("Token status")).toHaveValue("active");
  await expect(table.getByRole("row").filter({ hasText: name })).toHaveCount(0);
  await page.getByLabel("Token status").selectOption("revoked");
  await expect(table.getByRole("row").filter({ hasText: name })).toHaveCount(1);
  // The list is one answer (tokens.list does not page): no Load more.
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await lookAt(page, "tokens-revoked");
});
