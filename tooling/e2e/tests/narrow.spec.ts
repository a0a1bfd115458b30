import { expect, test } from "@playwright/test";
import { logInAsAdmin } from "./console.ts";

test.use({ viewport: { width: 360, height: 740 } });

test("at 360 px every page is reached through the Menu and none scrolls sideways", async ({ page }) => {
  await logInAsAdmin(page);
  const menu = page.getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Main" });
  // Closed, the menu takes no room: the page starts right under the bar.
  await expect(nav).toBeHidden();
  await menu.click();
  const labels = (await nav.getByRole("link").allTextContents()).map((label) => label.trim());
  expect(labels.length).toBeGreaterThanOrEqual(12);

  for (const label of labels) {
    if (!(await nav.isVisible())) await page.getByRole("button", { name: "Menu" }).click();
    const before = page.url();
    await nav.getByRole("link", { name: label, exact: true }).click();
    // Choosing a page closes the menu; navigating moves focus to the new page.
    await expect(nav).toBeHidden();
    await expect(page.locator("main h1").first()).toBeVisible();
    if (page.url() !== before) await expect(page.locator("main")).toBeFocused();
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${label} scrolls sideways by ${overflow}px at 360 px`).toBeLessThanOrEqual(0);
  }
});

test("the skip link is the first stop of the keyboard and lands on the page", async ({ page }) => {
  await logInAsAdmin(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("button", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
});
