import { exactTime } from "../../format.ts";
import styles from "./DeadLetters.module.css";
import type { Letter } from "./types.ts";

/** A letter's payload (what a replay sends again) and the facts of its failure. */
export function LetterDetail({ letter }: { letter: Letter }) {
  return (
    <div className={styles.detail}>
      <div>
        <h3>Payload</h3>
        <pre className="code-block">{JSON.stringify(letter.payload, null, 2)}</pre>
      </div>
      <div>
        <h3>Error</h3>
        <pre className="error-text">{letter.error}</pre>
        <dl className="facts letter-facts">
          <div className="fact">
            <dt>First failed</dt>
            <dd>{exactTime(letter.first_failed_at)}</dd>
          </div>
          <div className="fact">
            <dt>Job key</dt>
            <dd>{letter.job_key ? <code>{letter.job_key}</code> : <span className="muted">none</span>}</dd>
          </div>
          <div className="fact">
            <dt>Auto retries</dt>
            <dd>
              {letter.auto_retries}
              {letter.next_auto_retry_at ? (
                <span className="muted"> (next {exactTime(letter.next_auto_retry_at)})</span>
              ) : null}
            </dd>
          </div>
        </dl>
      </div>
    </div>
  );
}
