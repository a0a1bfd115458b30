import { expect, test } from "@playwright/test";
import { cellText, logInAsAdmin } from "./console.ts";

test("an operator sees the revoked key's dead letter on the Dead letters page, replays its group and sees it back in the queue", async ({
  page,
}) => {
  await logInAsAdmin(page);
  const nav = page.getByRole("navigation", { name: "Main" });

  await test.step("the admin rejects a negative pace, then lets openai calls through faster", async () => {
    // The seeded openai pace (one call per 10 s, shared by every openai connection) queues the
    // demo's syncs behind each other; a short pace lets the revoked key fail within seconds.
    await nav.getByRole("link", { name: "Rate limits" }).click();
    await expect(page.getByRole("heading", { name: "Rate limits" })).toBeVisible();
    await page.getByRole("button", { name: "Edit: openai" }).click();
    const interval = page.getByLabel("Min interval (ms)");
    await interval.fill("-5");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Pacing cannot be negative")).toBeVisible();
    await expect(interval).toHaveAttribute("aria-invalid", "true");

    await interval.fill("200");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText(/^Saved:/)).toBeVisible();
    const settings = page.getByRole("table", { name: "Provider settings" });
    await expect(settings.getByRole("row").filter({ hasText: "openai" }).first()).toContainText("200 ms");
  });

  await test.step("the overview counts the dead letter and links to it", async () => {
    await nav.getByRole("link", { name: "Overview" }).click();
    const tile = page.getByRole("listitem").filter({ hasText: "Open dead letters" });
    await expect(tile.getByRole("link")).toHaveText(/^[1-9]\d*$/, { timeout: 60_000 });
    await page.screenshot({ path: "/tmp/admin-overview.png", fullPage: true });
    await tile.getByRole("link").click();
  });

  // Other providers' faults may file groups of their own; the revoked key's is the 401 one.
  const group = page
    .getByRole("article", { name: /^Dead letter group sync\.target/ })
    .filter({ hasText: "401 invalid_api_key" });
  await test.step("the group names the task, the error class and the 401", async () => {
    await expect(page.getByRole("heading", { name: "Dead letters" })).toBeVisible();
    await expect(group).toHaveCount(1);
    await expect(group.getByText("permanent", { exact: true })).toBeVisible();
    await expect(group.getByText(/401 invalid_api_key/).first()).toBeVisible();

    await group.getByRole("button", { name: /^Show \d+ letters?$/ }).click();
    const letters = group.getByRole("table", { name: "Dead letters" });
    const row = letters.locator("tbody tr").filter({ hasText: "Initech / Initech legacy" });
    await expect(row).toHaveCount(1);
    expect(await cellText(letters, row, "Attempts")).toBe("1");
    await row.getByRole("button", { name: /^Show payload of dead letter/ }).click();
    await expect(group.getByText('"targetId": "00000000-0000-4000-8000-000000000301"')).toBeVisible();
    await page.screenshot({ path: "/tmp/admin-dead-letters.png", fullPage: true });
  });

  await test.step("replaying the group puts the job back in the queue, where the revoked key fails again", async () => {
    await group.getByRole("button", { name: /^Replay group: sync\.target/ }).click();
    // A permanent failure warns first, names its target, and replays only when confirmed.
    await expect(group.getByText(/replaying will fail again until you fix the cause/)).toBeVisible();
    await expect(group.getByRole("link", { name: "Initech legacy" })).toBeVisible();
    await group.getByRole("button", { name: /^Replay all \d+ letters? anyway$/ }).click();
    await expect(page.getByText("Replayed 1 dead letter: back in the queue")).toBeVisible();

    // Every status: the letter goes replaying, then (the key is still revoked) open again with
    // one more attempt.
    await page.getByLabel("Status").selectOption({ label: "any status" });
    const letters = page.getByRole("table", { name: "Dead letters" });
    const row = letters.locator("tbody tr").filter({ hasText: "Initech / Initech legacy" });
    await expect(row).toHaveCount(1);
    await expect
      .poll(
        async () => `${await cellText(letters, row, "Status")} ${await cellText(letters, row, "Attempts")}`,
        {
          timeout: 60_000,
        },
      )
      .toBe("open 2");
    await page.screenshot({ path: "/tmp/admin-dead-letters-replayed.png", fullPage: true });
  });
});
