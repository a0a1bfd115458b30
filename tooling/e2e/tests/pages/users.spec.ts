import { expect, test } from "@playwright/test";
import { logInAsAdmin, lookAt } from "../console.ts";

test("Users: the schema answers bad input under its field, an admin adds a user and changes its role, the role filter lives in the URL", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto("/#/users");
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  await expect(page).toHaveTitle("Users · synchub");
  const table = page.getByRole("table", { name: "Accounts" });
  await expect(table.getByText("(you)")).toBeVisible();
  await lookAt(page, "users");

  // Checked by users.create's own schema before anything is sent.
  const form = page.getByRole("form", { name: "Add a user" });
  const name = `ops-${test.info().project.name}-${Date.now().toString(36)}`;
  await form.getByLabel("Username").fill("has space");
  await form.getByLabel("Password (8+ characters)").fill("short");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText("A username has no spaces or colons")).toBeVisible();
  await expect(form.getByText("Use at least 8 characters")).toBeVisible();
  await expect(form.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
  await lookAt(page, "users-invalid");

  await form.getByLabel("Username").fill(name);
  await form.getByLabel("Password (8+ characters)").fill("a long enough password");
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText(`Added ${name}.`)).toBeVisible();
  const row = table.getByRole("row").filter({ hasText: name });
  await expect(row).toHaveCount(1);

  // Change its role: the button shows once another role is picked.
  await row.getByRole("combobox", { name: `Role of ${name}` }).selectOption("operator");
  await row.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByRole("button", { name: "Change role" })).toHaveCount(0);

  // The role filter lives in the URL and survives a reload.
  await page.getByLabel("Role filter").selectOption("operator");
  await expect(page).toHaveURL(/role=operator/);
  await page.reload();
  await expect(page.getByLabel("Role filter")).toHaveValue("operator");
  await expect(table.getByRole("row").filter({ hasText: name })).toHaveCount(1);
  await expect(table.getByText("(you)")).toHaveCount(0);
  // The list is one answer (users.list does not page): no Load more.
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await lookAt(page, "users-filtered");
});
