/**
 * Progress reporting for long training / evaluation steps.
 *
 * Models and the evaluator only see the small `ProgressSink` interface, so they stay free of any terminal
 * dependency; the CLI decides whether a bar is drawn (stderr, TTY only) or nothing at all.
 */
import cliProgress from 'cli-progress';

export interface ProgressSink {
  /** Begins a step of `total` units (iterations, users, blocks …) named `label`. */
  start(total: number, label: string): void;
  /** Advances the current step by `n` units (default 1). */
  tick(n?: number): void;
  /** Ends the current step (the bar is cleared / finalised). */
  stop(): void;
}

/** Swallows everything; the default when a caller passes no sink. */
export const noopProgress: ProgressSink = {
  start() {},
  tick() {},
  stop() {},
};

export interface CliProgressOptions {
  /** Set false to silence the bar even on a TTY (e.g. `--quiet`). */
  enabled?: boolean;
  /** Defaults to process.stderr so stdout stays machine-readable (JSON, tables). */
  stream?: NodeJS.WriteStream;
}

/**
 * A cli-progress bar showing count, rate and ETA. Silent (no-op) when disabled or when the stream is not a
 * TTY, so CI logs and piped output are not flooded with carriage returns.
 */
export function createCliProgress(options: CliProgressOptions = {}): ProgressSink {
  const stream = options.stream ?? process.stderr;
  if (options.enabled === false || !stream.isTTY) return noopProgress;
  let bar: cliProgress.SingleBar | undefined;
  let startedAt = 0;
  let done = 0;
  return {
    start(total, label) {
      bar?.stop();
      startedAt = Date.now();
      done = 0;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label.padEnd(24)} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`,
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0, { rate: '0' });
    },
    tick(n = 1) {
      if (!bar) return;
      done += n;
      const seconds = Math.max((Date.now() - startedAt) / 1000, 1e-3);
      bar.increment(n, { rate: (done / seconds).toFixed(1) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/**
 * A sink that records what happened, for tests and for logging step durations in reports.
 */
export class RecordingProgress implements ProgressSink {
  readonly steps: { label: string; total: number; ticks: number; seconds: number }[] = [];
  private current: { label: string; total: number; ticks: number; seconds: number; t0: number } | undefined;
  start(total: number, label: string): void {
    this.stop();
    this.current = { label, total, ticks: 0, seconds: 0, t0: performance.now() };
  }
  tick(n = 1): void {
    if (this.current) this.current.ticks += n;
  }
  stop(): void {
    if (!this.current) return;
    const { t0, ...rest } = this.current;
    this.steps.push({ ...rest, seconds: (performance.now() - t0) / 1000 });
    this.current = undefined;
  }
}
