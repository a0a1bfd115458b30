import { expect, test } from "@playwright/test";
import { logInAsAdmin, lookAt } from "../console.ts";

test("Jobs: the queue by state and task, filters in the URL, page to the end, reschedule a job", async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto("/#/jobs");
  await expect(page.getByRole("heading", { name: "Jobs", exact: true })).toBeVisible();
  await expect(page).toHaveTitle("Jobs · synchub");
  const tiles = page.getByRole("list", { name: "Jobs by state" });
  for (const state of ["waiting", "delayed", "locked", "failed"]) {
    await expect(tiles.getByText(state, { exact: true })).toBeVisible();
  }
  await lookAt(page, "jobs");

  // Reschedule a job far ahead: it stays in the queue, delayed, and the answer says how many moved.
  const jobs = page.getByRole("table", { name: "Jobs" });
  const box = jobs.getByRole("checkbox").first();
  await expect(box).toBeVisible({ timeout: 30_000 });
  const label = (await box.getAttribute("aria-label")) ?? "";
  const [, id, task] = /^Select job (\d+) \((.+)\)$/.exec(label) ?? [];
  expect(id, label).toBeTruthy();
  await box.check();
  await expect(page.getByText("1 job selected")).toBeVisible();
  await page.getByLabel("Run at").fill("2099-01-01T00:00");
  await page.getByRole("button", { name: "Reschedule" }).click();
  await expect(
    page.getByText(/^(1 job rescheduled to 2099-|0 jobs rescheduled to 2099-.*1 job skipped)/),
  ).toBeVisible();

  // Filters live in the URL and survive a reload.
  await page.getByLabel("State").selectOption("delayed");
  await page.getByLabel("Task").selectOption(task!);
  await expect(page).toHaveURL(/state=delayed/);
  await expect(page).toHaveURL(/task=/);
  await page.reload();
  await expect(page.getByLabel("State")).toHaveValue("delayed");
  await expect(page.getByLabel("Task")).toHaveValue(task!);
  await expect(jobs.getByRole("checkbox", { name: `Select job ${id} (${task})` })).toBeVisible();
  await lookAt(page, "jobs-filtered");

  // Remove asks first, then says what it did.
  await jobs.getByRole("checkbox", { name: `Select job ${id} (${task})` }).check();
  await page.getByRole("button", { name: "Remove: 1 selected job" }).click();
  await page.getByRole("button", { name: "Remove 1 selected job" }).click();
  await expect(page.getByText("1 job removed")).toBeVisible();
  await expect(jobs.getByRole("checkbox", { name: `Select job ${id} (${task})` })).toHaveCount(0);

  // Every queued job is reachable.
  await page.getByLabel("State").selectOption("");
  await page.getByLabel("Task").selectOption("");
  while (await page.getByRole("button", { name: "Load more" }).isVisible()) {
    await page.getByRole("button", { name: "Load more" }).click();
  }
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
});
