/** Thrown when work must wait for budget (rate limit, 429, concurrency): not a failure, no attempt spent. */
export class Deferral extends Error {
  constructor(
    readonly until: Date,
    reason: string,
  ) {
    super(reason);
    this.name = "Deferral";
  }
}
