#!/usr/bin/env node
// The `recgraph` bin: runs the TypeScript CLI through tsx's loader (no build step between a clone and a run).
import { register } from 'tsx/esm/api';

register();
await import('../training/cli/index.ts');
