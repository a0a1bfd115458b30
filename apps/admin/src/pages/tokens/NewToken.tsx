import { useId, useState } from "react";
import type { Created } from "./CreateTokenForm.tsx";

/** The new token, shown this once: only its hash is stored. */
export function NewToken({ created, onDone }: { created: Created; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const boxId = useId();
  return (
    <section className="card token-reveal" aria-labelledby={`${boxId}-title`}>
      <p className="state-title" id={`${boxId}-title`}>
        Token “{created.name}” created ({created.role})
      </p>
      <p className="alert token-warning">
        Copy it now: this is the only time synchub shows it. Only its hash is stored, so a lost token cannot
        be recovered; revoke it and create another.
      </p>
      <div className="token-copy">
        <input
          id={boxId}
          className="token-secret"
          readOnly
          value={created.token}
          aria-label="New API token"
          data-testid="new-token"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button
          type="button"
          className="button button-primary"
          onClick={async () => {
            await navigator.clipboard?.writeText(created.token);
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="button button-ghost" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}
