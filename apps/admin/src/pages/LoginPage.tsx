import { loginSchema } from "@synchub/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Form, SubmitButton, TextField } from "../components/form/fields.tsx";
import { useZodForm } from "../components/form/useZodForm.ts";
import { ErrorBanner } from "../components/ui.tsx";
import { errorMessage, isUnauthorized, useTRPC } from "../trpc.ts";

export function LoginPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(loginSchema, { defaultValues: { username: "", password: "" } });
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        await queryClient.invalidateQueries();
      },
    }),
  );

  const failure = login.error
    ? isUnauthorized(login.error)
      ? "Wrong username or password"
      : errorMessage(login.error)
    : null;

  return (
    <div className="login-screen">
      <Form form={form} className="login-card" label="Sign in" onSubmit={(values) => login.mutate(values)}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          synchub
        </div>
        <h1>Sign in to the admin</h1>
        <p className="muted">Sync health, runs and connections for every tenant.</p>
        {failure ? <ErrorBanner>{failure}</ErrorBanner> : null}
        {/* The login form is the only thing on the page. */}
        <TextField name="username" label="Username" autoComplete="username" autoFocus />
        <TextField name="password" label="Password" type="password" autoComplete="current-password" />
        <SubmitButton
          pending={login.isPending}
          pendingLabel="Signing in…"
          className="button button-primary button-block"
        >
          Log in
        </SubmitButton>
      </Form>
    </div>
  );
}
