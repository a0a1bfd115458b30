import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { ErrorBanner } from "../components/ui.tsx";
import { errorMessage, isUnauthorized, useTRPC } from "../trpc.ts";

export function LoginPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const usernameId = useId();
  const passwordId = useId();
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        await queryClient.invalidateQueries();
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    login.mutate({ username, password });
  }

  const failure = login.error
    ? isUnauthorized(login.error)
      ? "Wrong username or password"
      : errorMessage(login.error)
    : null;

  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          synchub
        </div>
        <h1 id="login-title">Sign in to the admin</h1>
        <p className="muted">Sync health, runs and connections for every tenant.</p>
        {failure ? <ErrorBanner>{failure}</ErrorBanner> : null}
        <label htmlFor={usernameId}>Username</label>
        <input
          id={usernameId}
          name="username"
          autoComplete="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          required
          // biome-ignore lint/a11y/noAutofocus: the login form is the only thing on the page
          autoFocus
        />
        <label htmlFor={passwordId}>Password</label>
        <input
          id={passwordId}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
        <button type="submit" className="button button-primary button-block" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Log in"}
        </button>
      </form>
    </div>
  );
}
