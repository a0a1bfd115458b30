/** What the browser tests share: signing in and reading a table cell by its column. */
import { expect, type Locator, type Page, test } from "@playwright/test";
import { adminPassword } from "./stack.ts";

/** Fills and sends the login form. */
export async function logIn(page: Page, password = adminPassword): Promise<void> {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Sign in to the admin" })).toBeVisible();
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Signs in as the admin and waits for the Overview, the landing page. */
export async function logInAsAdmin(page: Page): Promise<void> {
  await logIn(page);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

/** The text of a row's cell under the column headed `column`. */
export async function cellText(table: Locator, row: Locator, column: string): Promise<string> {
  const headers = (await table.locator("thead th").allTextContents()).map((text) =>
    text.trim().toLowerCase(),
  );
  const index = headers.indexOf(column.toLowerCase());
  expect(index, `column ${column} in ${headers.join(", ")}`).toBeGreaterThanOrEqual(0);
  return ((await row.locator("td").nth(index).textContent()) ?? "").trim();
}

/**
 * A full-page screenshot of what the test sees, kept under test-results/screens/<project>/ to be
 * looked at (a page at 390 px that squeezes or overflows is a bug too). Also fails the test when
 * the page scrolls sideways, the commonest way a layout breaks on a phone.
 */
export async function lookAt(page: Page, name: string): Promise<void> {
  const project = test.info().project.name;
  await page.screenshot({
    path: `${test.info().project.outputDir}/screens/${project}/${name}.png`,
    fullPage: true,
  });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

/**
 * Presses "Load more" under a list (within `scope`, the page by default) until the list ends, and
 * checks it did. The last page can land between seeing the button and clicking it, so a click
 * that finds the button gone is the end, not a failure.
 */
export async function loadEverything(page: Page, scope: Locator | Page = page): Promise<void> {
  const more = scope.getByRole("button", { name: "Load more" });
  for (let pages = 0; pages < 200; pages++) {
    // A page on its way brings the button back (more to come) or removes it (the end).
    await expect(scope.getByRole("button", { name: "Loading…" })).toHaveCount(0);
    if (!(await more.isVisible())) break;
    try {
      await more.click({ timeout: 5_000 });
    } catch (error) {
      if (await more.isVisible()) throw error;
    }
  }
  await expect(more).toHaveCount(0);
}
