import { expect, type Page, test } from "@playwright/test";
import { logInAsAdmin } from "./console.ts";

/** Makes the tab look hidden (or visible again) the way a browser does when the user switches tabs. */
async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hide) => {
    Object.defineProperty(document, "visibilityState", {
      value: hide ? "hidden" : "visible",
      configurable: true,
    });
    Object.defineProperty(document, "hidden", { value: hide, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

test("live pages poll while the tab is visible and stop in a background tab", async ({ page }) => {
  await logInAsAdmin(page);
  let calls = 0;
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/trpc/")) calls++;
  });

  // The Overview refreshes every few seconds while it is in view.
  await expect.poll(() => calls, { timeout: 15_000 }).toBeGreaterThan(0);

  await setTabHidden(page, true);
  await page.waitForTimeout(500); // a request already on its way may still finish
  calls = 0;
  await page.waitForTimeout(12_000); // more than two refresh intervals
  expect(calls, "requests in 12 s while hidden").toBe(0);

  await setTabHidden(page, false);
  await expect.poll(() => calls, { timeout: 15_000 }).toBeGreaterThan(0);
});
