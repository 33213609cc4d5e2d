#!/usr/bin/env node
// The `recgraph` bin: runs the TypeScript CLI through tsx's loader (no build step between a clone and a run).
import { constants } from 'node:os';
import { register } from 'tsx/esm/api';

// A signal ends the process (status 128 + signal number, 'exit' hooks run: they stop an embedded Qdrant) unless the
// command installed its own handler (`start` drains the server: src/runtime/shutdown.ts). Explicit because node as
// PID 1 in a container ignores signals that have no handler, e.g. while the CLI is still loading.
const exitOnSignal = (signal) => {
  if (process.listenerCount(signal) === 1) process.exit(128 + constants.signals[signal]);
};
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, exitOnSignal);

register();
await import('../training/cli/index.ts');
