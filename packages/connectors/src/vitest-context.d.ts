// The root vitest global setup provides this; declared here too so the package typechecks alone.
export {};

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the provider sandbox. */
    sandboxUrl: string;
  }
}
