import { describe, expect, it } from "vitest";
import { judgeTargetGroup, judgeWorkers, WORKER_SILENCE_MS } from "./health.ts";

const now = Date.parse("2026-12-03T12:00:00Z");
const recently = new Date(now - 10 * 60_000);
const healthy = { activeTargets: 3, lateTargets: 0, lastSuccessAt: recently };

describe("a pool's health", () => {
  it("is Healthy while its targets sync on schedule", () => {
    expect(judgeTargetGroup(healthy, now)).toEqual({ status: "Healthy", reason: "syncing on schedule" });
  });

  it("is Warning for each cause a person must look at, and names every one", () => {
    expect(judgeTargetGroup({ ...healthy, authPausedTargets: 1 }, now)).toEqual({
      status: "Warning",
      reason: "1 paused after authentication failures",
    });
    expect(judgeTargetGroup({ ...healthy, permanentDeadLetters: 2 }, now).status).toBe("Warning");
    expect(judgeTargetGroup({ ...healthy, failingTargets: 1 }, now).status).toBe("Warning");
    expect(judgeTargetGroup({ ...healthy, lateTargets: 4 }, now).status).toBe("Warning");
    expect(judgeTargetGroup({ ...healthy, failingTargets: 1, permanentDeadLetters: 1 }, now).reason).toBe(
      "1 open permanent dead letter(s); 1 failing",
    );
  });

  it("is Warning, not 'no active targets', when its only target was paused by the engine", () => {
    const revokedKeyOnly = {
      activeTargets: 0,
      lateTargets: 0,
      lastSuccessAt: null,
      authPausedTargets: 1,
    };
    expect(judgeTargetGroup(revokedKeyOnly, now).status).toBe("Warning");
  });

  it("is Critical when active targets have had no success in 24 hours, or ever", () => {
    expect(judgeTargetGroup({ ...healthy, lastSuccessAt: null }, now).reason).toBe(
      "no sync has ever succeeded",
    );
    expect(judgeTargetGroup({ ...healthy, lastSuccessAt: new Date(now - 25 * 3_600_000) }, now).status).toBe(
      "Critical",
    );
  });
});

describe("the workers' health", () => {
  it("is Critical when no worker has beaten recently, or ever", () => {
    expect(judgeWorkers(null, now).status).toBe("Critical");
    expect(judgeWorkers(new Date(now - WORKER_SILENCE_MS - 1_000), now)).toEqual({
      status: "Critical",
      reason: "no worker alive: the last heartbeat was 61 s ago",
    });
    expect(judgeWorkers(new Date(now - 5_000), now).status).toBe("Healthy");
  });
});
