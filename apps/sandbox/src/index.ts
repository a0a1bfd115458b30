export { type Fault, type FaultKind, faultKinds } from "./faults.ts";
export { type RunningSandbox, type SandboxOptions, startSandbox } from "./server.ts";
