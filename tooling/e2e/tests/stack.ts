/** Shared by the Playwright config (which starts the stack) and the tests (which log in to it). */
export const adminPassword = "e2e-admin-password";
