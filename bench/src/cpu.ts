/**
 * CPU time spent by this Node process and by the local Postgres server processes, read from /proc
 * (Linux), so a benchmark can say where its time went. Postgres reads 0 when it runs elsewhere.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface CpuSample {
  nodeMs: number;
  postgresMs: number;
}

export function sampleCpu(): CpuSample {
  const { user, system } = process.cpuUsage();
  return { nodeMs: (user + system) / 1000, postgresMs: postgresCpuMs() };
}

export function cpuSince(start: CpuSample): CpuSample {
  const now = sampleCpu();
  return { nodeMs: now.nodeMs - start.nodeMs, postgresMs: now.postgresMs - start.postgresMs };
}

/**
 * utime + stime of every process named "postgres", plus the time of its exited children (cutime +
 * cstime), so backends that exit meanwhile (the pool closes idle clients) still count: the
 * postmaster collects theirs when it reaps them.
 */
function postgresCpuMs(): number {
  let ticks = 0;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "postgres") continue;
      // Fields after the command name: utime, stime, cutime and cstime are the 12th to 15th (in clock ticks).
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux.
}
