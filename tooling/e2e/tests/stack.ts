/** Shared by the Playwright config (which starts the stack) and the tests (which log in to it). */
export const e2ePort = Number(process.env.SYNCHUB_E2E_PORT ?? 4319);
export const adminPassword = "e2e-admin-password";
