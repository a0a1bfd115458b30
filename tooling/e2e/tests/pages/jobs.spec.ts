import { expect, type Page, test } from "@playwright/test";
import { loadEverything, logInAsAdmin, lookAt } from "../console.ts";

/** Calls a tRPC procedure from the page, as the signed-in admin (same origin, its cookie). */
function callApi<T>(
  page: Page,
  path: string,
  input?: unknown,
  kind: "query" | "mutation" = "mutation",
): Promise<T> {
  return page.evaluate(
    async ({ path, input, kind }) => {
      const body = JSON.stringify({ json: input });
      const response =
        kind === "query"
          ? await fetch(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(body)}`}`)
          : await fetch(`/trpc/${path}`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
            });
      const answer = await response.json();
      if (!response.ok) throw new Error(`${path}: ${JSON.stringify(answer)}`);
      return answer.result.data.json;
    },
    { path, input, kind },
  );
}

interface Pool {
  provider: string;
  min_interval_ms: number;
  hourly_cap: number;
  max_concurrency: number;
}

/** The demo's only Volcano Engine connection (Hooli cloud bill). */
const volcengineConnection = "00000000-0000-4000-8000-000000000402";

/**
 * Jobs leave the queue within moments in the demo; a sync over its provider's hourly cap waits
 * in it, delayed, until the hour is up. Returns the pool's settings to put back.
 */
async function queueDelayedSync(page: Page): Promise<Pool> {
  const pools = await callApi<Pool[]>(page, "rateLimits.providers", undefined, "query");
  const pool = pools.find((row) => row.provider === "volcengine")!;
  await setPool(page, { ...pool, min_interval_ms: 3_600_000, hourly_cap: 1, max_concurrency: 1 });
  await expect(async () => {
    await callApi(page, "connections.syncNow", { id: volcengineConnection });
    const delayed = await callApi<{ items: unknown[] }>(page, "jobs.list", { state: "delayed" }, "query");
    expect(delayed.items.length).toBeGreaterThan(0);
  }).toPass({ timeout: 60_000, intervals: [3_000] });
  return pool;
}

function setPool(page: Page, pool: Pool): Promise<unknown> {
  return callApi(page, "rateLimits.updateProvider", {
    provider: pool.provider,
    minIntervalMs: pool.min_interval_ms,
    hourlyCap: pool.hourly_cap,
    maxConcurrency: pool.max_concurrency,
  });
}

test("Jobs: the queue by state and task, filters in the URL, page to the end, reschedule and remove a job", async ({
  page,
}) => {
  await logInAsAdmin(page);
  const pool = await queueDelayedSync(page);
  try {
    await page.goto("/#/jobs");
    await expect(page.getByRole("heading", { name: "Jobs", exact: true })).toBeVisible();
    await expect(page).toHaveTitle("Jobs · synchub");
    const tiles = page.getByRole("list", { name: "Jobs by state" });
    for (const state of ["waiting", "delayed", "locked", "failed"]) {
      await expect(tiles.getByText(state, { exact: true })).toBeVisible();
    }
    await expect(page.getByRole("table", { name: "Jobs by task" })).toBeVisible();
    await lookAt(page, "jobs");

    // Filters live in the URL and survive a reload.
    const jobs = page.getByRole("table", { name: "Jobs" });
    await page.getByLabel("State", { exact: true }).selectOption("delayed");
    await page.getByLabel("Task", { exact: true }).selectOption("sync.target");
    await expect(page).toHaveURL(/state=delayed/);
    await expect(page).toHaveURL(/task=sync\.target/);
    await page.reload();
    await expect(page.getByLabel("State", { exact: true })).toHaveValue("delayed");
    await expect(page.getByLabel("Task", { exact: true })).toHaveValue("sync.target");
    const box = jobs.getByRole("checkbox").first();
    await expect(box).toBeVisible();
    const label = (await box.getAttribute("aria-label")) ?? "";
    const id = /^Select job (\d+) /.exec(label)?.[1];
    expect(id, label).toBeTruthy();
    const job = jobs.getByRole("checkbox", { name: `Select job ${id} (sync.target)` });

    // Reschedule it far ahead: it stays queued, delayed, and the answer says how many moved.
    await job.check();
    await expect(page.getByText("1 job selected")).toBeVisible();
    await page.getByLabel("Run at").fill("2099-01-01T00:00");
    await page.getByRole("button", { name: "Reschedule" }).click();
    await expect(page.getByText(/^1 job rescheduled to 2099-/)).toBeVisible();
    await expect(job).not.toBeChecked();
    await lookAt(page, "jobs-rescheduled");

    // Remove asks first, then says what it did.
    await job.check();
    await page.getByRole("button", { name: "Remove: 1 selected job" }).click();
    await page.getByRole("button", { name: "Remove 1 selected job" }).click();
    await expect(page.getByText("1 job removed")).toBeVisible();
    await expect(job).toHaveCount(0);

    // Every queued job is reachable.
    await page.getByLabel("State", { exact: true }).selectOption("");
    await page.getByLabel("Task", { exact: true }).selectOption("");
    await loadEverything(page);
  } finally {
    // The pool as it was, for the specs after this one.
    await setPool(page, pool);
  }
});
