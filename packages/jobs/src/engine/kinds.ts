import type { BeforeRequest } from "@synchub/connectors";
import type { Database } from "@synchub/db";
import type { TaskContext } from "../context.ts";

/**
 * A kind of sync, declared once: how to load what a run needs, how to fetch pages of records,
 * how to save a page, and when to run next. A kind never touches claims, runs, retries or dead
 * letters: the one loop (`runTarget`) does, for every kind.
 */
export interface SyncKind<Loaded = unknown, Record = unknown> {
  /** Stable id, stored on targets and runs: "llm.costs", "stripe.subscriptions", ... */
  id: string;
  /**
   * Everything a run needs, read from the target's subject (decrypted credentials, a client).
   * Throwing here is classified like any run error (a key that does not open is permanent).
   */
  load(ctx: TaskContext, target: TargetState, io: LoadIO): Promise<Loaded> | Loaded;
  /** Fetches the records page by page, handing each to `io.write`; honours `io.signal`. */
  run(loaded: Loaded, io: RunIO<Record>): Promise<void>;
  /** Saves one page idempotently (a second run writes nothing), in the loop's transaction. */
  write(trx: Database, loaded: Loaded, page: Record[]): Promise<{ inserted: number; updated: number }>;
  /**
   * How long until the next run after a success, when the kind decides it rather than the
   * target's own interval (kept by the subject's plan or tier). The loop adds jitter and failure
   * backoff. (Default: the target's interval)
   */
  intervalMs?(target: TargetState): number;
  /**
   * Error classes for errors the loop does not know (connectors' ProviderError, timeouts, keys
   * that do not open, deferrals and 429s it knows). (Default: unknown errors are transient)
   */
  classify?(error: unknown): ErrorClassification | undefined;
}

/** What the loop knows of a target when it runs it. */
export interface TargetState {
  id: string;
  kind: string;
  /** The domain row it syncs (S1: the connection), which the kind loads. */
  subjectId: string;
  /** The flow-control pool its calls count against (S1: the provider). */
  pool: string;
  /** Time between successful syncs, set from the subject's tier or plan. */
  intervalMs: number;
  lastSyncedAt: Date | null;
  consecutiveFailures: number;
}

export interface LoadIO {
  /** Awaited before every HTTP request, retries included: paces calls against the target's pools. */
  beforeRequest: BeforeRequest;
  /** When the run started (ms since epoch): watermarks are computed from it. */
  startedAt: number;
}

export interface RunIO<Record> {
  signal: AbortSignal;
  /** Saves and counts one page; awaited before the next page is fetched. */
  write(page: Record[]): Promise<void>;
  /** Something the run could not do but is not an error (months a provider no longer serves). */
  notice(message: string): void;
}

export interface ErrorClassification {
  errorClass: "transient" | "permanent";
  message: string;
  /** An authentication failure: enough in a row pause the target. */
  auth: boolean;
}

const registry = new Map<string, SyncKind>();

/** Registers a kind; its id must be unique. */
export function defineKind<Loaded, Record>(kind: SyncKind<Loaded, Record>): SyncKind<Loaded, Record> {
  if (registry.has(kind.id)) throw new Error(`Sync kind ${kind.id} is defined twice`);
  registry.set(kind.id, kind as SyncKind);
  return kind;
}

/** The kind with this id; throws for an unknown one (a target of a kind this release lacks). */
export function kindById(id: string): SyncKind {
  const kind = registry.get(id);
  if (!kind) throw new Error(`Unknown sync kind ${id}`);
  return kind;
}

export function kindIds(): string[] {
  return [...registry.keys()];
}
