import cliProgress from 'cli-progress';

/** A terminal progress bar when stdout is a TTY; a line every few seconds otherwise (CI logs). */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, done);
          started = true;
        }
        bar.setTotal(total);
        bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 2000 && done < total) return;
      last = now;
      process.stdout.write(`${label}: ${done}/${total} (${Math.round((100 * done) / Math.max(total, 1))}%)\n`);
    },
    stop() {},
  };
}
