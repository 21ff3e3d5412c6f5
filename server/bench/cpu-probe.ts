/**
 * Preloaded into every server the benchmark starts (`node --conditions=source --import tsx --import ./cpu-probe.ts`):
 * on SIGUSR2 the process writes its own CPU time so far, `process.cpuUsage()`, as one stdout
 * line `bench-cpu {"user":…,"system":…}` (microseconds). The benchmark signals before and
 * after a load window and divides the difference by the requests answered: server CPU per
 * request, measured inside the server, so the load generator's own CPU never counts.
 *
 * Bench-only: the product never loads it, and without the preload SIGUSR2 keeps Node's default.
 */
process.on('SIGUSR2', () => {
  process.stdout.write(`bench-cpu ${JSON.stringify(process.cpuUsage())}\n`);
});
